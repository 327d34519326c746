namespace Asherah.Caching;

/// <summary>The tuning of <see cref="WindowTinyLfuCache{TKey, TValue}"/> (internal: tests and experiments vary it).</summary>
/// <param name="WindowPercent">The window LRU's share of the capacity, in percent (at least one entry).</param>
/// <param name="ProtectedPercent">The protected segment's share of the main space, in percent.</param>
/// <param name="CountersPerEntry">Sketch counters per cache entry.</param>
/// <param name="SamplesPerEntry">Sketch increments per cache entry between two halvings (the aging period).</param>
/// <param name="DoorkeeperBits">Doorkeeper bits per increment of a sample period.</param>
/// <param name="ReadSampleShift">Hits recorded: 1 in 2^ReadSampleShift per thread (0: every hit).</param>
internal readonly record struct TinyLfuSettings(
    int WindowPercent,
    int ProtectedPercent,
    int CountersPerEntry,
    int SamplesPerEntry,
    int DoorkeeperBits,
    int ReadSampleShift = 0)
{
    /// <summary>The tuning chosen with the hit-rate replay (<c>Asherah.Benchmarks hitrates</c>).</summary>
    /// <remarks>
    /// Window 1 % and protected 80 % as Caffeine. Aging every 80 accesses per entry, not Caffeine's 10: at a cache of
    /// 1 % on Zipf 1.0 the keys at the admission boundary are seen about once per 10 × capacity accesses, too few for the
    /// sketch to tell them apart; measured on zipf-1.0 at 1 % (10,000 of 1,000,000 keys): 65.82 % at 10, 66.13 % at 20,
    /// 66.55 % at 40, 67.15 % at 80, 67.40 % at 160, 67.20 % at 320 (OPT 71.86 %); 80 keeps the shifting trace closer to
    /// what it was (a longer memory adapts later to a moved hot set). 16 counters per entry: 32 and 64 changed the hit
    /// rate by 0.02 points or less (conservative update and the doorkeeper keep collisions rare). Doorkeeper: 2 bits
    /// per access of a sample period (most accesses repeat a key, so far more bits per distinct key); 1, 2 and 8 bits
    /// gave the same rates within 0.07 points on zipf-1.0, scan and shifting, and 2 costs 20 bytes per entry (8 would
    /// cost 80, a megabyte for 10,000 entries). The sketch costs 8 bytes per entry.
    /// <para>
    /// Hits recorded: every second hit of a thread (ReadSampleShift 1; adds are always recorded), which halves the
    /// buffer and drain work a hit pays for (the drain is serial: it is what limits 2 threads). With the aging period
    /// raised to 120 to keep the sketch's memory in accesses, measured side by side (hit-rate replay, and
    /// CacheHitThroughputBenchmarks for tinylfu alone, three runs each on an idle 2-vCPU AMD EPYC, ns per hit on 1 / 2
    /// threads): every hit (80): zipf-1.0 at 1 % 67.15 %, shifting at 1 % 62.08 %, 150.8–170.2 / 64.5–146.9 ns;
    /// 1 in 2 (120): 67.14 %, 60.69 %, 102.7–124.0 / 49.0–77.7 ns (1 in 2 at 160: the same cost, 67.16 %, 60.19 %);
    /// 1 in 4 (80): 66.84 % (5.02 points from OPT: over the target), 75.9–79.3 / 38.5–53.9 ns.
    /// </para>
    /// </remarks>
    public static TinyLfuSettings Default { get; } = new(
        WindowPercent: 1,
        ProtectedPercent: 80,
        CountersPerEntry: 16,
        SamplesPerEntry: 120,
        DoorkeeperBits: 2,
        ReadSampleShift: 1);
}

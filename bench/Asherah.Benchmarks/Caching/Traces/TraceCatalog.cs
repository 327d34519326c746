namespace Asherah.Benchmarks.Caching.Traces;

/// <summary>The five traces of the hit-rate benchmark, generated one at a time (each full trace is 40 MB of keys).</summary>
/// <remarks>
/// Full scale: N = 1,000,000 partitions and 10,000,000 accesses per trace: ten accesses per partition, so even the 10 %
/// cache (100,000 keys) turns over many times and compulsory misses (first accesses) do not dominate the skewed traces.
/// On 2 vCPUs under heavy load (load average ~25) a trace generated in 2-4 s, Belady took 1-13 s and a replay through
/// one policy 5-65 s, about 17 minutes for the whole table.
/// Quick scale (<c>--quick</c>): everything divided by ten (N = 100,000, 1,000,000 accesses), for a smoke run.
/// Seeds are fixed, so every run replays the same accesses.
/// </remarks>
internal static class TraceCatalog
{
    /// <summary>A trace's name and a function that generates it.</summary>
    internal sealed record Entry(string Name, Func<AccessTrace> Generate);

    public static int KeyCount(bool quick) => quick ? 100_000 : 1_000_000;

    public static int Length(bool quick) => quick ? 1_000_000 : 10_000_000;

    public static IReadOnlyList<Entry> Standard(bool quick)
    {
        int n = KeyCount(quick);
        int length = Length(quick);
        int tenth = n / 10;
        return
        [
            new("zipf-0.8", () => ZipfTrace.Generate(n, 0.8, length, seed: 8)),
            new("zipf-1.0", () => ZipfTrace.Generate(n, 1.0, length, seed: 10)),
            new("zipf-1.2", () => ZipfTrace.Generate(n, 1.2, length, seed: 12)),
            // Bursts of 2N/10 Zipf accesses, each followed by a scan as long as the larger (10 %) cache: a third of all
            // accesses are one-hit scan keys, and every scan alone can flush an LRU of either size.
            new("scan", () => ScanTrace.Generate(n, 1.0, burst: 2 * tenth, scan: tenth, length, seed: 20)),
            // Ten phases; each shift (2N/10) is twice the larger cache.
            new("shifting", () => ShiftingHotSetTrace.Generate(n, 1.0, phase: length / 10, shift: 2 * tenth, length, seed: 30)),
        ];
    }
}

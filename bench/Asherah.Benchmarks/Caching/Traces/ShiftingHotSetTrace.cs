namespace Asherah.Benchmarks.Caching.Traces;

/// <summary>
/// A Zipf workload whose hot set moves every <c>phase</c> accesses (tenants active in one time zone's business hours,
/// then another's): a cache must forget old popularity to keep up.
/// </summary>
/// <remarks>
/// <code>
/// key(i) = keyOfRank[(rank − 1 + shift · ⌊i / phase⌋) mod N]     rank ~ Zipf(s, N)
/// </code>
/// With <c>shift</c> larger than the cache, every phase's hottest keys were cold (rank ≥ shift) in the phase before.
/// </remarks>
internal static class ShiftingHotSetTrace
{
    public static AccessTrace Generate(int keyCount, double exponent, int phase, int shift, int length, ulong seed)
    {
        if (phase < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(phase), phase, "A phase must have at least one access.");
        }

        var random = new TraceRandom(seed);
        int[] keyOfRank = random.Permutation(keyCount);
        var sampler = new ZipfSampler(keyCount, exponent);
        var keys = new int[length];
        long offset = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            if (i > 0 && i % phase == 0)
            {
                offset = (offset + shift) % keyCount;
            }

            keys[i] = keyOfRank[(int)((sampler.Sample(random) - 1 + offset) % keyCount)];
        }

        return new AccessTrace(
            "shifting",
            FormattableString.Invariant(
                $"Zipf s = {exponent:0.0} over {keyCount:N0} keys; the ranks shift by {shift:N0} keys every {phase:N0} accesses"),
            keys,
            keyCount);
    }
}

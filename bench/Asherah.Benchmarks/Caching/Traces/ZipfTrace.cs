namespace Asherah.Benchmarks.Caching.Traces;

/// <summary>Independent Zipf(s) accesses over N keys: the classic skewed, stationary workload (many partitions, few hot).</summary>
/// <remarks>
/// Rank k is mapped to a key through a seeded random permutation, so hot keys are scattered over the key space and a
/// cache cannot profit from rank order (key 0 is not the hottest).
/// </remarks>
internal static class ZipfTrace
{
    public static AccessTrace Generate(int keyCount, double exponent, int length, ulong seed)
    {
        var random = new TraceRandom(seed);
        int[] keyOfRank = random.Permutation(keyCount);
        var sampler = new ZipfSampler(keyCount, exponent);
        var keys = new int[length];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = keyOfRank[sampler.Sample(random) - 1];
        }

        return new AccessTrace(
            FormattableString.Invariant($"zipf-{exponent:0.0}"),
            FormattableString.Invariant($"Zipf s = {exponent:0.0} over {keyCount:N0} keys"),
            keys,
            keyCount);
    }
}

namespace Asherah.Benchmarks.Caching.Traces;

/// <summary>
/// A Zipf workload interrupted by long sequential scans of keys seen once and never again (a batch job re-encrypting
/// every partition, a report walking all tenants): the workload that flushes a plain LRU.
/// </summary>
/// <remarks>
/// <code>
/// trace := (zipf{burst} scan{scan})*     truncated to length
/// scan  := N + c, N + c + 1, …            c counts every scan key so far: no scan key repeats
/// </code>
/// The Zipf part uses the same key mapping as <see cref="ZipfTrace"/>; scan keys lie above it, in [N, N + scanned).
/// </remarks>
internal static class ScanTrace
{
    public static AccessTrace Generate(int keyCount, double exponent, int burst, int scan, int length, ulong seed)
    {
        if (burst < 1 || scan < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(burst), "Bursts and scans must have at least one access each.");
        }

        var random = new TraceRandom(seed);
        int[] keyOfRank = random.Permutation(keyCount);
        var sampler = new ZipfSampler(keyCount, exponent);
        var keys = new int[length];
        int nextScanKey = keyCount;
        int i = 0;
        while (i < length)
        {
            for (int b = 0; b < burst && i < length; b++)
            {
                keys[i++] = keyOfRank[sampler.Sample(random) - 1];
            }

            for (int s = 0; s < scan && i < length; s++)
            {
                keys[i++] = nextScanKey++;
            }
        }

        return new AccessTrace(
            "scan",
            FormattableString.Invariant(
                $"Zipf s = {exponent:0.0} over {keyCount:N0} keys in bursts of {burst:N0}, each followed by a scan of {scan:N0} one-hit keys"),
            keys,
            nextScanKey);
    }
}

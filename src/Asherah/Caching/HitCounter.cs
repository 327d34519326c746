namespace Asherah.Caching;

/// <summary>Hits seen by the calling thread, across caches: how a policy samples 1 hit in 2^n without shared writes.</summary>
internal static class HitCounter
{
    /// <summary>The calling thread's count (wraps).</summary>
    [ThreadStatic]
    public static uint PerThread;
}

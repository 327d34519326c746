using Asherah.Caching;

namespace Asherah.Benchmarks.Caching.HitRates;

/// <summary>Replays a trace through a cache as an application uses one: look the key up, and on a miss add it.</summary>
internal static class HitRateReplay
{
    /// <returns>The hits.</returns>
    public static long Hits(IBoundedCache<int, int> cache, ReadOnlySpan<int> trace)
    {
        long hits = 0;
        foreach (int key in trace)
        {
            if (cache.TryGet(key, out _))
            {
                hits++;
            }
            else
            {
                cache.TryAdd(key, key);
            }
        }

        return hits;
    }
}

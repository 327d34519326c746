using Asherah.Benchmarks.Caching.Traces;
using Asherah.Caching;

namespace Asherah.Benchmarks.Caching.Throughput;

/// <summary>
/// A warm cache of one policy and the Zipf(1.0) lookup streams that hit it: what <see cref="CacheHitThroughputBenchmarks"/>
/// and <see cref="CacheScalingCommand"/> measure.
/// </summary>
/// <remarks>
/// The cache holds <see cref="Capacity"/> keys shaped like intermediate-key ids (<c>_IK_partition-0000042_service_product</c>,
/// a string hashed on every lookup as in the product); only keys found present after filling are looked up (TinyLFU's
/// admission may leave some out), as fresh string instances, as a request's partition id would be. Each thread gets
/// its own precomputed stream over them (hot keys contended, as hot partitions are).
/// </remarks>
internal sealed class WarmCache : IDisposable
{
    public const int Capacity = 10_000;

    private WarmCache(IBoundedCache<string, object> cache, string[] present)
    {
        Cache = cache;
        Present = present;
    }

    public IBoundedCache<string, object> Cache { get; }

    /// <summary>Keys in the cache, as instances other than the ones stored.</summary>
    public string[] Present { get; }

    public static WarmCache Create(string policyName)
    {
        if (!BoundedCache.TryParsePolicy(policyName, out var policy))
        {
            throw new InvalidOperationException($"Unknown cache policy '{policyName}'.");
        }

        var cache = BoundedCache.Create<string, object>(policy.Value, Capacity);
        var keys = Enumerable.Range(0, Capacity).Select(i => $"_IK_partition-{i:D7}_service_product").ToArray();

        // Two passes: the second lets frequency-based admission take keys the first pass could not place.
        for (int pass = 0; pass < 2; pass++)
        {
            foreach (string key in keys)
            {
                if (!cache.TryGet(key, out _))
                {
                    cache.TryAdd(key, new object());
                }
            }
        }

        // A policy may finish pending bookkeeping (and evict) a little after the adds: wait until the set of keys
        // present is the same twice in a row.
        string[] present = [.. keys.Where(k => cache.TryGet(k, out _))];
        for (int round = 0; round < 100; round++)
        {
            Thread.Sleep(10);
            string[] again = [.. keys.Where(k => cache.TryGet(k, out _))];
            bool stable = again.SequenceEqual(present);
            present = again;
            if (stable)
            {
                break;
            }
        }

        if (present.Length < Capacity / 2)
        {
            cache.Dispose();
            throw new InvalidOperationException($"Only {present.Length} of {Capacity} keys stayed in the {policyName} cache.");
        }

        return new WarmCache(cache, [.. present.Select(k => new string(k.AsSpan()))]);
    }

    /// <summary>A Zipf(1.0) stream of <paramref name="length"/> indexes into <see cref="Present"/>, the same for the same seed.</summary>
    public int[] Stream(int length, int seed)
    {
        var sampler = new ZipfSampler(Present.Length, 1.0);
        var random = new TraceRandom((ulong)seed);
        var stream = new int[length];
        for (int i = 0; i < stream.Length; i++)
        {
            stream[i] = sampler.Sample(random) - 1;
        }

        return stream;
    }

    /// <summary>Looks up every key of <paramref name="stream"/>; returns the lookups that missed.</summary>
    public long LookUp(int[] stream)
    {
        var cache = Cache;
        var present = Present;
        long misses = 0;
        foreach (int index in stream)
        {
            if (!cache.TryGet(present[index], out _))
            {
                misses++;
            }
        }

        return misses;
    }

    public void Dispose() => Cache.Dispose();
}

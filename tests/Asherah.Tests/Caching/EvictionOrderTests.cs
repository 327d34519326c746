using Asherah.Caching;

namespace Asherah.Tests.Caching;

/// <summary>Each policy on small known traces: which entry goes.</summary>
public sealed class EvictionOrderTests
{
    [Fact]
    public void Lru_EvictsTheLeastRecentlyUsed()
    {
        var evicted = new List<int>();
        using var cache = BoundedCache.Create<int, int>(CacheEvictionPolicy.Lru, 10, (k, _) => evicted.Add(k));
        for (int i = 0; i < 10; i++)
        {
            cache.TryAdd(i, i);
        }

        for (int i = 0; i < 5; i++)
        {
            Assert.True(cache.TryGet(i, out _));
        }

        for (int i = 10; i < 15; i++)
        {
            cache.TryAdd(i, i);
        }

        Assert.Equal([5, 6, 7, 8, 9], evicted.Order());
        Assert.All(Enumerable.Range(0, 5), i => Assert.True(cache.TryGet(i, out _)));
    }

    [Fact]
    public void Lfu_EvictsTheLeastFrequent_AndTheLeastRecentAmongEquals()
    {
        var evicted = new List<string>();
        using var cache = BoundedCache.Create<string, int>(CacheEvictionPolicy.Lfu, 3, (k, _) => evicted.Add(k));
        cache.TryAdd("a", 1);
        cache.TryAdd("b", 2);
        cache.TryAdd("c", 3);
        for (int i = 0; i < 3; i++)
        {
            cache.TryGet("a", out _);
        }

        cache.TryGet("c", out _);
        cache.TryAdd("d", 4);   // b: frequency 1
        Assert.Equal(["b"], evicted);
        cache.TryAdd("e", 5);   // d: frequency 1, the only one
        Assert.Equal(["b", "d"], evicted);
        cache.TryGet("e", out _);
        cache.TryAdd("f", 6);   // c and e: frequency 2, c less recent
        Assert.Equal(["b", "d", "c"], evicted);
        Assert.True(cache.TryGet("a", out _));
    }

    [Fact]
    public void Lfu_KeepsAFrequentOldEntry_WhereLruWouldDropIt()
    {
        var evicted = new List<int>();
        using var cache = BoundedCache.Create<int, int>(CacheEvictionPolicy.Lfu, 4, (k, _) => evicted.Add(k));
        cache.TryAdd(0, 0);
        cache.TryGet(0, out _);
        for (int i = 1; i < 50; i++)
        {
            cache.TryAdd(i, i);
        }

        Assert.True(cache.TryGet(0, out _));
        Assert.DoesNotContain(0, evicted);
    }

    [Fact]
    public void Slru_ProtectsEntriesHitTwice_AgainstAStreamOfOneHitEntries()
    {
        var evicted = new List<int>();
        using var cache = BoundedCache.Create<int, int>(CacheEvictionPolicy.Slru, 5, (k, _) => evicted.Add(k));
        cache.TryAdd(0, 0);
        cache.TryAdd(1, 1);
        cache.TryGet(0, out _); // 0 → protected; 1 stays on probation
        for (int i = 2; i < 20; i++)
        {
            cache.TryAdd(i, i);
        }

        // One-hit entries leave oldest first; the protected entry stays although it is the oldest of all.
        Assert.Equal(Enumerable.Range(1, 15), evicted);
        Assert.True(cache.TryGet(0, out _));
    }

    [Fact]
    public void Slru_DemotesTheLeastRecentProtectedEntry_WhenProtectedIsFull()
    {
        var evicted = new List<int>();
        using var cache = BoundedCache.Create<int, int>(CacheEvictionPolicy.Slru, 5, (k, _) => evicted.Add(k)); // protected: 4
        for (int i = 0; i < 5; i++)
        {
            cache.TryAdd(i, i);
            cache.TryGet(i, out _);
        }

        // 0..4 were all hit twice; protected holds 4, so 0 went back to probation and is the next victim.
        cache.TryAdd(5, 5);
        Assert.Equal([0], evicted);
    }

    [Fact]
    public void TinyLfu_RejectsAOneHitNewcomer_AgainstFrequentEntries()
    {
        var evicted = new List<int>();
        using var cache = BoundedCache.Create<int, int>(CacheEvictionPolicy.TinyLfu, 100, (k, _) => evicted.Add(k));
        var frequent = Warm(cache, 100, evicted);

        cache.TryAdd(1000, 1000);
        cache.TryAdd(1001, 1001);
        BoundedCacheContractTests.Maintain(cache);

        // The window holds one entry; 999 and then 1000, pushed out of it with one hit each, lost to probation's frequent victim.
        Assert.Equal([999, 1000], evicted);
        Assert.All(frequent, i => Assert.True(cache.TryGet(i, out _)));
    }

    [Fact]
    public void TinyLfu_AdmitsAFrequentNewcomer_EvictingALessFrequentEntry()
    {
        var evicted = new List<int>();
        using var cache = BoundedCache.Create<int, int>(CacheEvictionPolicy.TinyLfu, 100, (k, _) => evicted.Add(k));
        var frequent = Warm(cache, 100, evicted);

        cache.TryAdd(1000, 1000);
        for (int i = 0; i < 20; i++)
        {
            cache.TryGet(1000, out _);
        }

        BoundedCacheContractTests.Maintain(cache);
        cache.TryAdd(1001, 1001); // pushes 1000 out of the window into the contest
        BoundedCacheContractTests.Maintain(cache);

        Assert.Equal(2, evicted.Count);
        Assert.Equal(999, evicted[0]);
        Assert.Contains(evicted[1], frequent);
        Assert.True(cache.TryGet(1000, out _));
    }

    [Fact]
    public void TinyLfu_TheDoorkeeperTakesAKeysFirstAccess_SoOnlyARepeatedNewcomerBeatsAOneHitVictim()
    {
        var evicted = new List<int>();
        using var cache = BoundedCache.Create<int, int>(CacheEvictionPolicy.TinyLfu, 10, (k, _) => evicted.Add(k)); // window 1
        for (int i = 0; i < 10; i++)
        {
            cache.TryAdd(i, i); // each seen once: in the doorkeeper, estimate 1
        }

        cache.TryAdd(10, 10);   // candidate 9 (1) against probation's last, 0 (1): a tie keeps the victim
        cache.TryAdd(9, 9);     // 9's second access reaches the sketch (estimate 2); candidate 10 (1) loses to 0 (1)
        cache.TryAdd(11, 11);   // candidate 9 (2) beats 0 (1)
        Assert.Equal([9, 10, 0], evicted);
        Assert.True(cache.TryGet(9, out _));
    }

    [Fact]
    public void TinyLfu_AScanOfOneHitKeys_DoesNotFlushTheHotEntries()
    {
        var evicted = new List<int>();
        using var cache = BoundedCache.Create<int, int>(CacheEvictionPolicy.TinyLfu, 100, (k, _) => evicted.Add(k));
        for (int round = 0; round < 8; round++)
        {
            // 49 keys: an odd count, so the hits a thread records (1 in 2) fall on every key in turn.
            for (int i = 0; i < 49; i++)
            {
                if (!cache.TryGet(i, out _))
                {
                    cache.TryAdd(i, i);
                }
            }
        }

        // 5,000 one-hit keys: fifty times the cache, within one aging period of the sketch (120 recorded accesses per entry).
        for (int i = 1000; i < 6000; i++)
        {
            cache.TryAdd(i, i);
        }

        BoundedCacheContractTests.Maintain(cache);
        Assert.All(Enumerable.Range(0, 49), i => Assert.True(cache.TryGet(i, out _)));
        Assert.DoesNotContain(evicted, k => k < 49);
        Assert.Equal(100, cache.Count);
    }

    /// <summary>
    /// Fills the cache with keys 0..n-1, reads each several times, then adds a one-hit 999, which takes the window (one
    /// entry at this size); clears <paramref name="evicted"/> and returns the frequent keys left in the main space.
    /// </summary>
    private static List<int> Warm(IBoundedCache<int, int> cache, int n, List<int> evicted)
    {
        for (int i = 0; i < n; i++)
        {
            cache.TryAdd(i, i);
        }

        BoundedCacheContractTests.Maintain(cache);
        for (int round = 0; round < 5; round++)
        {
            for (int i = 0; i < n; i++)
            {
                cache.TryGet(i, out _);
            }

            BoundedCacheContractTests.Maintain(cache);
        }

        cache.TryAdd(999, 999);
        BoundedCacheContractTests.Maintain(cache);
        evicted.Clear();
        return [.. cache.Snapshot().Select(p => p.Key).Where(k => k < n)];
    }
}

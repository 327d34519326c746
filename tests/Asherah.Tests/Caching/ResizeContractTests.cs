using System.Collections.Concurrent;
using Asherah.Caching;

namespace Asherah.Tests.Caching;

/// <summary><see cref="IBoundedCache{TKey, TValue}.Resize"/> on every policy: shrink evicts in policy order, grow admits again.</summary>
public sealed class ResizeContractTests
{
    public static TheoryData<CacheEvictionPolicy> Policies => [.. Enum.GetValues<CacheEvictionPolicy>()];

    /// <summary>The policies that lower their capacity (simple has none: it trims instead).</summary>
    public static TheoryData<CacheEvictionPolicy> ResizablePolicies => [CacheEvictionPolicy.Lru, CacheEvictionPolicy.Lfu, CacheEvictionPolicy.Slru, CacheEvictionPolicy.TinyLfu];

    [Theory]
    [MemberData(nameof(Policies))]
    public void Shrink_EvictsDownToTheNewSize_HandingEachEvictedEntryOverOnce(CacheEvictionPolicy policy)
    {
        var evicted = new ConcurrentDictionary<int, int>();
        using var cache = BoundedCache.Create<int, int>(policy, 20, (k, _) => evicted.AddOrUpdate(k, 1, (_, n) => n + 1));
        for (int i = 0; i < 20; i++)
        {
            Assert.True(cache.TryAdd(i, i * 10));
        }

        Maintain(cache);
        int count = cache.Count;
        int inForce = cache.Resize(5);
        Maintain(cache);

        Assert.True(inForce == 5 || inForce == cache.MaximumCapacity, $"Resize returned {inForce}");
        Assert.Equal(inForce, cache.Capacity);
        Assert.InRange(cache.Count, 1, 5);
        Assert.All(evicted.Values, n => Assert.Equal(1, n));
        Assert.Equal(count, cache.Count + evicted.Count);
        foreach (var (key, value) in cache.Snapshot())
        {
            Assert.False(evicted.ContainsKey(key));
            Assert.Equal(key * 10, value);
        }
    }

    [Theory]
    [MemberData(nameof(ResizablePolicies))]
    public void Shrink_LowersTheCapacity_AndGrowingBackAdmitsAgain(CacheEvictionPolicy policy)
    {
        int evictions = 0;
        using var cache = BoundedCache.Create<int, int>(policy, 20, (_, _) => evictions++);
        Assert.Equal(20, cache.MaximumCapacity);
        for (int i = 0; i < 20; i++)
        {
            cache.TryAdd(i, i);
        }

        Assert.Equal(4, cache.Resize(4));
        Assert.Equal(16, evictions);
        for (int i = 100; i < 110; i++)
        {
            Assert.True(cache.TryAdd(i, i));
            Assert.InRange(cache.Count, 1, 4);
        }

        Assert.Equal(26, evictions);
        Assert.Equal(20, cache.Resize(20));
        Assert.Equal(20, cache.Capacity);
        for (int i = 200; i < 216; i++)
        {
            Assert.True(cache.TryAdd(i, i));
        }

        Assert.Equal(20, cache.Count);
        Assert.Equal(26, evictions);
        Assert.True(cache.TryAdd(300, 300));
        Assert.Equal(27, evictions);
        Assert.Equal(20, cache.Count);
    }

    [Theory]
    [MemberData(nameof(ResizablePolicies))]
    public void Resize_ClampsToOneAndToTheMaximum(CacheEvictionPolicy policy)
    {
        using var cache = BoundedCache.Create<int, int>(policy, 8);
        for (int i = 0; i < 8; i++)
        {
            cache.TryAdd(i, i);
        }

        Assert.Equal(1, cache.Resize(0));
        Assert.Equal(1, cache.Count);
        Assert.Equal(1, cache.Resize(-5));
        Assert.Equal(8, cache.Resize(int.MaxValue));
        Assert.Equal(8, cache.MaximumCapacity);
    }

    [Fact]
    public void Lru_Shrink_EvictsTheLeastRecentlyUsedFirst()
    {
        var evicted = new List<int>();
        using var cache = BoundedCache.Create<int, int>(CacheEvictionPolicy.Lru, 10, (k, _) => evicted.Add(k));
        for (int i = 0; i < 10; i++)
        {
            cache.TryAdd(i, i);
        }

        cache.TryGet(0, out _);
        cache.TryGet(1, out _);
        cache.TryGet(2, out _);
        cache.Resize(5);

        Assert.Equal([3, 4, 5, 6, 7], evicted);
        Assert.Equal([0, 1, 2, 8, 9], cache.Snapshot().Select(p => p.Key).Order());
    }

    [Fact]
    public void Lfu_Shrink_EvictsTheLeastFrequentlyUsedFirst_LeastRecentAmongEquals()
    {
        var evicted = new List<int>();
        using var cache = BoundedCache.Create<int, int>(CacheEvictionPolicy.Lfu, 10, (k, _) => evicted.Add(k));
        for (int i = 0; i < 10; i++)
        {
            cache.TryAdd(i, i);
        }

        // 0..4 hit once more than 5..9; 9 hit twice more.
        for (int i = 0; i < 5; i++)
        {
            cache.TryGet(i, out _);
        }

        cache.TryGet(9, out _);
        cache.TryGet(9, out _);
        cache.Resize(3);

        Assert.Equal([5, 6, 7, 8, 0, 1, 2], evicted);
        Assert.Equal([3, 4, 9], cache.Snapshot().Select(p => p.Key).Order());
    }

    [Fact]
    public void Slru_Shrink_EvictsProbationFirst_ThenKeepsProtectedWithinEightyPercent()
    {
        var evicted = new List<int>();
        using var cache = BoundedCache.Create<int, int>(CacheEvictionPolicy.Slru, 10, (k, _) => evicted.Add(k));
        for (int i = 0; i < 10; i++)
        {
            cache.TryAdd(i, i);
        }

        // 0, 1, 2 are promoted to protected (most recent: 2).
        cache.TryGet(0, out _);
        cache.TryGet(1, out _);
        cache.TryGet(2, out _);
        cache.Resize(5);
        Assert.Equal([3, 4, 5, 6, 7], evicted);

        // Probation (8, 9) goes first, then protected's least recent (0); protected may then hold 1 of 2: 1 is demoted.
        cache.Resize(2);
        Assert.Equal([3, 4, 5, 6, 7, 8, 9, 0], evicted);

        // A newcomer evicts from probation: the demoted 1, not the protected 2.
        cache.TryAdd(100, 100);
        Assert.Equal(1, evicted[^1]);
        Assert.Equal([2, 100], cache.Snapshot().Select(p => p.Key).Order());
    }

    [Fact]
    public void Simple_Shrink_TrimsToTheSize_ThenGrowsFreely()
    {
        int evictions = 0;
        using var cache = BoundedCache.Create<int, int>(CacheEvictionPolicy.Simple, 1, (_, _) => evictions++);
        for (int i = 0; i < 100; i++)
        {
            cache.TryAdd(i, i);
        }

        Assert.Equal(int.MaxValue, cache.MaximumCapacity);
        Assert.Equal(int.MaxValue, cache.Resize(10));
        Assert.Equal(10, cache.Count);
        Assert.Equal(90, evictions);
        for (int i = 100; i < 200; i++)
        {
            Assert.True(cache.TryAdd(i, i));
        }

        Assert.Equal(110, cache.Count);
        Assert.Equal(90, evictions);
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Resize_AfterDispose_EvictsNothingAndDoesNotThrow(CacheEvictionPolicy policy)
    {
        int evictions = 0;
        var cache = BoundedCache.Create<int, int>(policy, 10, (_, _) => evictions++);
        for (int i = 0; i < 10; i++)
        {
            cache.TryAdd(i, i);
        }

        Maintain(cache);
        int count = cache.Count;
        cache.Dispose();
        Assert.Equal(count, evictions);

        cache.Resize(2);
        cache.Resize(10);

        Assert.Equal(count, evictions);
        Assert.Equal(0, cache.Count);
        Assert.False(cache.TryAdd(1, 1));
    }

    [Theory]
    [MemberData(nameof(ResizablePolicies))]
    public async Task ResizingWhileOtherThreadsAdd_NeverLosesOrDoublesAnEntry(CacheEvictionPolicy policy)
    {
        var evicted = new ConcurrentDictionary<int, int>();
        using var cache = BoundedCache.Create<int, int>(policy, 64, (k, _) => evicted.AddOrUpdate(k, 1, (_, n) => n + 1));
        const int PerThread = 20_000;
        using var done = new CancellationTokenSource();
        var resizer = Task.Run(() =>
        {
            int[] sizes = [1, 7, 64, 3, 32];
            for (int i = 0; !done.IsCancellationRequested; i++)
            {
                cache.Resize(sizes[i % sizes.Length]);
            }
        });
        Parallel.For(0, 4, t =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                int key = t * PerThread + i;
                Assert.True(cache.TryAdd(key, key));
                cache.TryGet(key - 1, out _);
            }
        });
        done.Cancel();
        await resizer;

        Assert.InRange(cache.Count, 1, cache.Capacity);
        Assert.All(evicted.Values, n => Assert.Equal(1, n));
        Assert.Equal(4 * PerThread, cache.Count + evicted.Count);
        Assert.DoesNotContain(cache.Snapshot(), p => evicted.ContainsKey(p.Key));
    }

    private static void Maintain(IBoundedCache<int, int> cache) => BoundedCacheContractTests.Maintain(cache);
}

using System.Collections.Concurrent;
using Asherah.Caching;

namespace Asherah.Tests.Caching;

/// <summary>What every <see cref="CacheEvictionPolicy"/> promises: <see cref="IBoundedCache{TKey, TValue}"/>'s contract.</summary>
public sealed class BoundedCacheContractTests
{
    public static TheoryData<CacheEvictionPolicy> Policies => [.. Enum.GetValues<CacheEvictionPolicy>()];

    public static TheoryData<int> SmallCapacities => [1, 2, 3, 4, 5, 8];

    public static TheoryData<CacheEvictionPolicy> BoundedPolicies => [.. Enum.GetValues<CacheEvictionPolicy>().Where(p => p != CacheEvictionPolicy.Simple)];

    [Theory]
    [MemberData(nameof(Policies))]
    public void AddedEntries_AreFound_AndADuplicateAddIsRefused(CacheEvictionPolicy policy)
    {
        using var cache = BoundedCache.Create<string, string>(policy, 10);
        Assert.Equal(policy, cache.Policy);
        Assert.True(cache.TryAdd("a", "1"));
        Assert.False(cache.TryAdd("a", "2"));
        Assert.True(cache.TryGet("a", out var value));
        Assert.Equal("1", value);
        Assert.False(cache.TryGet("b", out _));
        Assert.Equal(1, cache.Count);
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void TryRemove_HandsTheValueBack_WithoutTheCallback(CacheEvictionPolicy policy)
    {
        var evicted = new List<int>();
        using (var cache = BoundedCache.Create<int, int>(policy, 10, (k, _) => evicted.Add(k)))
        {
            cache.TryAdd(1, 10);
            cache.TryAdd(2, 20);
            Assert.True(cache.TryRemove(1, out int value));
            Assert.Equal(10, value);
            Assert.False(cache.TryRemove(1, out _));
            Assert.False(cache.TryGet(1, out _));
            Assert.Empty(evicted);
        }

        Assert.Equal([2], evicted);
    }

    [Theory]
    [MemberData(nameof(BoundedPolicies))]
    public void Capacity_IsHonoured_AndEveryEvictedEntryIsHandedOverOnce(CacheEvictionPolicy policy)
    {
        var evicted = new ConcurrentDictionary<int, int>();
        using var cache = BoundedCache.Create<int, int>(policy, 20, (k, v) => evicted.AddOrUpdate(k, 1, (_, n) => n + 1));
        Assert.Equal(20, cache.Capacity);
        for (int i = 0; i < 1000; i++)
        {
            Assert.True(cache.TryAdd(i, i));
            cache.TryGet(i % 7, out _);
            Maintain(cache);
            Assert.InRange(cache.Count, 1, cache.Capacity);
        }

        Assert.All(evicted.Values, n => Assert.Equal(1, n));
        Assert.Equal(1000 - cache.Count, evicted.Count);
        Assert.All(cache.Snapshot(), p => Assert.False(evicted.ContainsKey(p.Key)));
    }

    [Fact]
    public void Simple_NeverEvicts()
    {
        int evicted = 0;
        using var cache = BoundedCache.Create<int, int>(CacheEvictionPolicy.Simple, 5, (_, _) => evicted++);
        for (int i = 0; i < 1000; i++)
        {
            cache.TryAdd(i, i);
        }

        Assert.Equal(1000, cache.Count);
        Assert.Equal(int.MaxValue, cache.Capacity);
        Assert.Equal(0, evicted);
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Dispose_HandsOverEveryRemainingEntryOnce_AndNothingAfter(CacheEvictionPolicy policy)
    {
        var evicted = new ConcurrentDictionary<int, int>();
        var cache = BoundedCache.Create<int, int>(policy, 50, (k, _) => evicted.AddOrUpdate(k, 1, (_, n) => n + 1));
        for (int i = 0; i < 30; i++)
        {
            cache.TryAdd(i, i);
        }

        Maintain(cache);
        var remaining = cache.Snapshot().Select(p => p.Key).ToHashSet();
        cache.Dispose();
        Assert.Equal(remaining, evicted.Keys.ToHashSet());
        Assert.All(evicted.Values, n => Assert.Equal(1, n));
        Assert.Equal(0, cache.Count);

        int before = evicted.Count;
        Assert.False(cache.TryAdd(100, 100));
        Assert.False(cache.TryGet(1, out _));
        Assert.False(cache.TryRemove(1, out _));
        cache.Dispose();
        Assert.Equal(before, evicted.Count);
    }

    /// <summary>
    /// 16 threads get, add and remove over 1,000 keys in a cache of 50: no exception, every value that went in comes out
    /// exactly once (evicted, removed or disposed), and the count stays within the documented slack of the capacity.
    /// </summary>
    [Theory]
    [MemberData(nameof(Policies))]
    public void ManyThreads_LoseNothing_AndReleaseEveryValueOnce(CacheEvictionPolicy policy)
    {
        const int Threads = 16;
        var released = new ConcurrentDictionary<Value, int>(ReferenceEqualityComparer.Instance);
        var added = new ConcurrentBag<Value>();
        var cache = BoundedCache.Create<int, Value>(policy, 50, (_, v) => released.AddOrUpdate(v, 1, (_, n) => n + 1));
        int maxCount = 0;
        var errors = new ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            try
            {
                var random = new Random(t);
                for (int i = 0; i < 20_000; i++)
                {
                    int key = random.Next(1000);
                    if (cache.TryGet(key, out var found))
                    {
                        Assert.Equal(key, found.Key);
                    }
                    else
                    {
                        var value = new Value(key);
                        if (cache.TryAdd(key, value))
                        {
                            added.Add(value);
                        }
                    }

                    if (i % 97 == 0 && cache.TryRemove(key, out var removed))
                    {
                        released.AddOrUpdate(removed, 1, (_, n) => n + 1);
                    }

                    int count = cache.Count;
                    int seen = Volatile.Read(ref maxCount);
                    while (count > seen && Interlocked.CompareExchange(ref maxCount, count, seen) != seen)
                    {
                        seen = Volatile.Read(ref maxCount);
                    }
                }
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(errors);

        if (policy != CacheEvictionPolicy.Simple)
        {
            // Every bounded policy evicts before it inserts: the count never exceeds the capacity.
            Assert.InRange(maxCount, 1, cache.Capacity);
            Maintain(cache);
            Assert.InRange(cache.Count, 1, cache.Capacity);
        }

        cache.Dispose();
        Assert.Equal(added.Count, released.Count);
        Assert.All(added, v => Assert.Equal(1, released[v]));
    }

    [Theory]
    [InlineData("simple", CacheEvictionPolicy.Simple)]
    [InlineData("LRU", CacheEvictionPolicy.Lru)]
    [InlineData("Lfu", CacheEvictionPolicy.Lfu)]
    [InlineData(" slru ", CacheEvictionPolicy.Slru)]
    [InlineData("TinyLFU", CacheEvictionPolicy.TinyLfu)]
    public void PolicyNames_ParseIgnoringCase(string name, CacheEvictionPolicy expected)
    {
        Assert.True(BoundedCache.TryParsePolicy(name, out var policy));
        Assert.Equal(expected, policy);
        Assert.Equal(expected, BoundedCache.TryParsePolicy(BoundedCache.NameOf(expected), out var again) ? again : null);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("tiny-lfu")]
    [InlineData("arc")]
    public void UnknownPolicyNames_AreRefused(string? name) => Assert.False(BoundedCache.TryParsePolicy(name, out _));

    [Theory]
    [MemberData(nameof(BoundedPolicies))]
    public void CapacityOne_KeepsOneEntry(CacheEvictionPolicy policy)
    {
        var evicted = new List<int>();
        using var cache = BoundedCache.Create<int, int>(policy, 1, (k, _) => evicted.Add(k));
        Assert.Equal(1, cache.Capacity);
        for (int i = 0; i < 10; i++)
        {
            Assert.True(cache.TryAdd(i, i));
            Maintain(cache);
            Assert.Equal(1, cache.Count);
        }

        // With one entry there is no contest: the newest stays, the others left in order.
        Assert.Equal(Enumerable.Range(0, 9), evicted);
        Assert.True(cache.TryGet(9, out _));
    }

    /// <summary>
    /// Capacities 1 to 5 and 8 under 16 threads (BitFaster's ConcurrentLfu 2.6.1, the previous tinylfu, threw at 3 and 4): no
    /// exception, the count never above the capacity, every value released once.
    /// </summary>
    [Theory]
    [MemberData(nameof(SmallCapacities))]
    public void TinyLfu_AtSmallCapacities_SurvivesConcurrentAddsAndRemoves(int capacity)
    {
        var released = new ConcurrentDictionary<int, int>();
        int nextValue = 0;
        int addedCount = 0;
        int maxCount = 0;
        var cache = BoundedCache.Create<int, int>(CacheEvictionPolicy.TinyLfu, capacity, (_, v) => released.AddOrUpdate(v, 1, (_, n) => n + 1));
        Assert.Equal(capacity, cache.Capacity);
        var errors = new ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, 16).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            try
            {
                for (int i = 0; i < 20_000; i++)
                {
                    int key = random.Next(64);
                    if (!cache.TryGet(key, out _))
                    {
                        int value = Interlocked.Increment(ref nextValue);
                        if (cache.TryAdd(key, value))
                        {
                            Interlocked.Increment(ref addedCount);
                        }
                    }

                    if (i % 7 == 0 && cache.TryRemove(key, out int removed))
                    {
                        released.AddOrUpdate(removed, 1, (_, n) => n + 1);
                    }

                    int count = cache.Count;
                    int seen = Volatile.Read(ref maxCount);
                    while (count > seen && Interlocked.CompareExchange(ref maxCount, count, seen) != seen)
                    {
                        seen = Volatile.Read(ref maxCount);
                    }
                }
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Empty(errors);
        Assert.InRange(maxCount, 1, capacity);
        cache.Dispose();
        Assert.Equal(addedCount, released.Count);
        Assert.All(released.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public void ZeroCapacity_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BoundedCache.Create<int, int>(CacheEvictionPolicy.Lru, 0));

    internal static void Maintain<TKey, TValue>(IBoundedCache<TKey, TValue> cache)
        where TKey : notnull
    {
        if (cache is WindowTinyLfuCache<TKey, TValue> tinyLfu)
        {
            tinyLfu.Maintain();
        }
    }

    public sealed record Value(int Key);
}

using System.Collections.Concurrent;
using Asherah.Caching;

namespace Asherah.Tests.Caching;

/// <summary>tinylfu's own behaviour beyond the common contract: resizing and the read buffer.</summary>
public sealed class WindowTinyLfuCacheTests
{
    /// <summary>The default tuning but recording every hit, for tests of exact order (the default samples 1 hit in 2).</summary>
    private static readonly TinyLfuSettings EveryHit = TinyLfuSettings.Default with { ReadSampleShift = 0 };

    [Fact]
    public void Resize_Shrinking_EvictsTheColdestAtOnce_EachThroughTheCallbackOnce()
    {
        var evicted = new List<int>();
        using var cache = new WindowTinyLfuCache<int, int>(100, (k, _) => evicted.Add(k), null, EveryHit);
        for (int i = 0; i < 100; i++)
        {
            cache.TryAdd(i, i);
        }

        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 40; i++)
            {
                Assert.True(cache.TryGet(i, out _));
            }

            cache.Maintain();
        }

        Assert.Equal(60, cache.Resize(60));
        Assert.Equal(60, cache.Capacity);
        Assert.Equal(100, cache.MaximumCapacity);
        Assert.Equal(60, cache.Count);

        // 0..39 were hit (protected); 40..98 are on probation, oldest first; 99 holds the one-entry window.
        Assert.Equal(Enumerable.Range(40, 40), evicted);
        Assert.All(Enumerable.Range(0, 40), i => Assert.True(cache.TryGet(i, out _)));
        Assert.All(Enumerable.Range(80, 20), i => Assert.True(cache.TryGet(i, out _)));
    }

    [Fact]
    public void Resize_Growing_LetsTheCacheFillAgain_UpToTheMaximum()
    {
        var evicted = new List<int>();
        using var cache = new WindowTinyLfuCache<int, int>(50, (k, _) => evicted.Add(k), null);
        for (int i = 0; i < 50; i++)
        {
            cache.TryAdd(i, i);
        }

        cache.Resize(10);
        Assert.Equal(10, cache.Count);
        Assert.Equal(40, evicted.Count);
        evicted.Clear();

        Assert.Equal(50, cache.Resize(50));
        for (int i = 100; i < 140; i++)
        {
            Assert.True(cache.TryAdd(i, i));
        }

        Assert.Empty(evicted);
        Assert.Equal(50, cache.Count);
        cache.TryAdd(1000, 1000);
        Assert.Single(evicted);
        Assert.Equal(50, cache.Count);
    }

    [Fact]
    public void Resize_KeepsTheWindowAtItsShare_ThroughShrinkAndGrowth()
    {
        using var cache = new WindowTinyLfuCache<int, int>(1000, null, null);
        Assert.Equal(10, cache.WindowCapacity);
        cache.Resize(10);
        Assert.Equal(1, cache.WindowCapacity);
        cache.Resize(1000);
        Assert.Equal(10, cache.WindowCapacity);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-5, 1)]
    [InlineData(1000, 20)]
    public void Resize_ClampsToOneAndTheMaximum(int asked, int expected)
    {
        using var cache = new WindowTinyLfuCache<int, int>(20, null, null);
        Assert.Equal(expected, cache.Resize(asked));
        Assert.Equal(expected, cache.Capacity);
    }

    [Fact]
    public void Resize_UnderConcurrentUse_KeepsTheCountWithinTheCapacity_AndLosesNothing()
    {
        var released = new ConcurrentDictionary<int, int>();
        int nextValue = 0;
        int added = 0;
        var cache = new WindowTinyLfuCache<int, int>(64, (_, v) => released.AddOrUpdate(v, 1, (_, n) => n + 1), null);
        var errors = new ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            try
            {
                for (int i = 0; i < 20_000; i++)
                {
                    if (t == 0 && i % 100 == 0)
                    {
                        int capacity = cache.Resize(random.Next(1, 80));
                        Assert.InRange(cache.Count, 0, 64);
                        Assert.InRange(capacity, 1, 64);
                    }

                    int key = random.Next(256);
                    if (!cache.TryGet(key, out _) && cache.TryAdd(key, Interlocked.Increment(ref nextValue)))
                    {
                        Interlocked.Increment(ref added);
                    }

                    if (i % 11 == 0 && cache.TryRemove(key, out int removed))
                    {
                        released.AddOrUpdate(removed, 1, (_, n) => n + 1);
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
        Assert.InRange(cache.Count, 0, cache.Capacity);
        cache.Dispose();
        Assert.Equal(added, released.Count);
        Assert.All(released.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public void Hits_OnOneThread_AreAllApplied_InOrder()
    {
        // One thread never overflows its stripe unnoticed: 17 hits in a row (more than a stripe holds) all promote.
        var evicted = new List<int>();
        using var cache = new WindowTinyLfuCache<int, int>(20, (k, _) => evicted.Add(k), null, EveryHit); // window 1, protected 15
        for (int i = 0; i < 20; i++)
        {
            cache.TryAdd(i, i);
        }

        for (int i = 0; i <= StripedReadBuffer<object>.StripeSize; i++)
        {
            cache.TryGet(i, out _);
        }

        // Protected holds 2..16 (0 and 1 were demoted by the last two promotions); shrinking to 3 demotes 2..15 as well
        // and evicts probation from its end: 17, 18, then 0..14 in the order they were demoted.
        cache.Resize(3);
        Assert.Equal([17, 18, .. Enumerable.Range(0, 15)], evicted);
        Assert.Equal([15, 16, 19], cache.Snapshot().Select(p => p.Key).Order());
    }

    [Fact]
    public void AHugeCapacity_StartsWithASmallSketch_ThatGrowsAsTheCacheFills()
    {
        using var cache = new WindowTinyLfuCache<int, int>(int.MaxValue, null, null);
        Assert.Equal(WindowTinyLfuCache<int, int>.InitialSketchCapacity, cache.SketchCapacity);

        for (int i = 0; i < WindowTinyLfuCache<int, int>.InitialSketchCapacity; i++)
        {
            cache.TryAdd(i, i);
        }

        Assert.Equal(4 * WindowTinyLfuCache<int, int>.InitialSketchCapacity, cache.SketchCapacity);
    }

    [Fact]
    public void GrowingTheSketch_KeepsTheCountsOfTheCachedEntries()
    {
        const int initial = WindowTinyLfuCache<int, int>.InitialSketchCapacity;
        using var cache = new WindowTinyLfuCache<int, int>(2 * initial, null, null, EveryHit);
        for (int i = 0; i < initial - 1; i++)
        {
            cache.TryAdd(i, i);
        }

        // Key 7 is hit often, key 8 never: the sketch tells them apart before it grows ...
        for (int i = 0; i < 12; i++)
        {
            Assert.True(cache.TryGet(7, out _));
        }

        cache.Maintain();
        int hot = cache.EstimatedFrequency(7);
        int cold = cache.EstimatedFrequency(8);
        Assert.True(hot > cold + 8, $"before: hot {hot}, cold {cold}");

        // ... and after (the add that fills it to the initial size grows it).
        cache.TryAdd(initial, initial);
        Assert.Equal(2 * initial, cache.SketchCapacity);
        Assert.Equal(hot, cache.EstimatedFrequency(7));
        Assert.Equal(cold, cache.EstimatedFrequency(8));
    }
}

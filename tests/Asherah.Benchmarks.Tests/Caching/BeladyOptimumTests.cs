using Asherah.Benchmarks.Caching.Optimum;
using Asherah.Benchmarks.Caching.Traces;

namespace Asherah.Benchmarks.Tests.Caching;

public class BeladyOptimumTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Hits_OnRandomSmallTraces_EqualTheBruteForceOptimum(bool allowBypass)
    {
        var random = new TraceRandom(2024);
        for (int round = 0; round < 3000; round++)
        {
            int keySpace = 2 + random.NextInt(5);
            int length = 1 + random.NextInt(13);
            int capacity = 1 + random.NextInt(3);
            var trace = new int[length];
            for (int i = 0; i < length; i++)
            {
                trace[i] = random.NextInt(keySpace);
            }

            long expected = BruteForceOptimum(trace, capacity, allowBypass);
            long actual = BeladyOptimum.Hits(trace, keySpace, capacity, allowBypass);
            Assert.True(
                expected == actual,
                $"trace [{string.Join(',', trace)}], capacity {capacity}, bypass {allowBypass}: optimum {expected}, Belady {actual}");
        }
    }

    [Fact]
    public void Hits_OnTheTextbookReferenceString_Are11WithThreeFrames()
    {
        // Silberschatz et al., Operating System Concepts: optimal replacement takes 9 faults on these 20 references.
        int[] trace = [7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1];

        Assert.Equal(11, BeladyOptimum.Hits(trace, 8, 3, allowBypass: false));
    }

    [Fact]
    public void Hits_WhenEveryKeyFits_AreAllButTheFirstAccesses()
    {
        var trace = ZipfTrace.Generate(1000, 1.0, 20_000, seed: 1);

        Assert.Equal(trace.Length - trace.DistinctKeys(), BeladyOptimum.Hits(trace.Keys, trace.KeySpace, 1000));
    }

    [Fact]
    public void Hits_WithBypass_AreNeverFewerThanWithout()
    {
        var trace = ScanTrace.Generate(2000, 1.0, burst: 400, scan: 200, length: 50_000, seed: 3);
        foreach (int capacity in new[] { 1, 20, 200 })
        {
            long demand = BeladyOptimum.Hits(trace.Keys, trace.KeySpace, capacity, allowBypass: false);
            long bypass = BeladyOptimum.Hits(trace.Keys, trace.KeySpace, capacity, allowBypass: true);
            Assert.True(bypass >= demand, $"capacity {capacity}: bypass {bypass} < demand {demand}");
        }
    }

    [Fact]
    public void Hits_OnAOneKeyCache_CountRepeatsOfTheSameKey()
    {
        int[] trace = [1, 1, 2, 1, 1, 1, 2, 2];

        Assert.Equal(4, BeladyOptimum.Hits(trace, 3, 1, allowBypass: false));
        // Keeping 1 through the first lone 2 saves one more hit.
        Assert.Equal(5, BeladyOptimum.Hits(trace, 3, 1, allowBypass: true));
    }

    [Fact]
    public void Hits_WithAKeyOutsideTheKeySpace_Throw()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => BeladyOptimum.Hits([0, 5], 3, 1));
        Assert.Contains("outside [0, 3)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hits_WithCapacityZero_Throw() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BeladyOptimum.Hits([0, 1], 2, 0));

    /// <summary>
    /// Every legal decision tried: on a miss, leave the key out (with bypass), add it to free space, or evict any one
    /// cached key for it. Hits never change the cache. Memoized on (position, cached set).
    /// </summary>
    private static long BruteForceOptimum(int[] trace, int capacity, bool allowBypass)
    {
        var memo = new Dictionary<(int, int), long>();
        return Best(0, 0);

        long Best(int position, int cached)
        {
            if (position == trace.Length)
            {
                return 0;
            }

            if (memo.TryGetValue((position, cached), out long known))
            {
                return known;
            }

            int bit = 1 << trace[position];
            long best;
            if ((cached & bit) != 0)
            {
                best = 1 + Best(position + 1, cached);
            }
            else
            {
                best = long.MinValue;
                if (allowBypass)
                {
                    best = Best(position + 1, cached);
                }

                if (int.PopCount(cached) < capacity)
                {
                    best = Math.Max(best, Best(position + 1, cached | bit));
                }
                else
                {
                    for (int victim = cached; victim != 0; victim &= victim - 1)
                    {
                        int victimBit = victim & -victim;
                        best = Math.Max(best, Best(position + 1, (cached & ~victimBit) | bit));
                    }
                }
            }

            memo[(position, cached)] = best;
            return best;
        }
    }
}

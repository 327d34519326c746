using Asherah.Benchmarks.Caching.Traces;

namespace Asherah.Benchmarks.Tests.Caching;

public class TraceTests
{
    [Fact]
    public void ZipfTrace_WithTheSameSeed_IsTheSameTrace()
    {
        var first = ZipfTrace.Generate(10_000, 1.0, 50_000, seed: 4);
        var second = ZipfTrace.Generate(10_000, 1.0, 50_000, seed: 4);
        var other = ZipfTrace.Generate(10_000, 1.0, 50_000, seed: 5);

        Assert.Equal(first.Keys, second.Keys);
        Assert.NotEqual(first.Keys, other.Keys);
    }

    [Fact]
    public void ZipfTrace_KeepsEveryKeyInItsKeySpace_AndScattersTheHotKeys()
    {
        var trace = ZipfTrace.Generate(10_000, 1.2, 100_000, seed: 6);
        var counts = new int[trace.KeySpace];
        foreach (int key in trace.Keys)
        {
            counts[key]++;
        }

        int hottest = Array.IndexOf(counts, counts.Max());
        Assert.Equal(100_000, trace.Length);
        Assert.NotEqual(0, hottest);
        // Rank 1 of Zipf(1.2) over 10,000 ranks has probability 1/H ≈ 0.20.
        Assert.InRange(counts[hottest], 19_000, 21_500);
    }

    [Fact]
    public void ScanTrace_ScansKeysAboveTheZipfKeysExactlyOnceEach()
    {
        var trace = ScanTrace.Generate(1000, 1.0, burst: 300, scan: 100, length: 10_000, seed: 7);
        var counts = new int[trace.KeySpace];
        foreach (int key in trace.Keys)
        {
            counts[key]++;
        }

        // 10,000 accesses = 25 cycles of 300 + 100: 2,500 scan keys, consecutive within each scan.
        Assert.Equal(1000 + 2500, trace.KeySpace);
        Assert.All(counts[1000..], count => Assert.Equal(1, count));
        Assert.Equal(Enumerable.Range(1000, 100), trace.Keys[300..400]);
        Assert.All(trace.Keys[..300], key => Assert.InRange(key, 0, 999));
    }

    [Fact]
    public void ShiftingHotSetTrace_MovesTheHotSetToKeysThatWereColdEveryPhase()
    {
        const int Keys = 10_000;
        const int Phase = 50_000;
        var trace = ShiftingHotSetTrace.Generate(Keys, 1.0, phase: Phase, shift: 2000, length: 3 * Phase, seed: 8);

        var hot = Enumerable.Range(0, 3).Select(p => TopKeys(trace.Keys.AsSpan(p * Phase, Phase), trace.KeySpace, 50)).ToArray();

        // Each phase's 50 hottest keys are ranks 1-50 of that phase; the shift of 2,000 ranks makes them ranks 2,001-2,050
        // of the phase before, where each has probability ≈ 1/(2000 · H) and is seen a handful of times at most.
        Assert.Empty(hot[0].Intersect(hot[1]));
        Assert.Empty(hot[1].Intersect(hot[2]));
        Assert.Equal(3 * Phase, trace.Length);
    }

    [Fact]
    public void ShiftingHotSetTrace_AfterAFullTurn_ComesBackToTheFirstHotSet()
    {
        const int Phase = 20_000;
        var trace = ShiftingHotSetTrace.Generate(1000, 1.0, phase: Phase, shift: 500, length: 3 * Phase, seed: 9);

        var first = TopKeys(trace.Keys.AsSpan(0, Phase), trace.KeySpace, 5);
        var third = TopKeys(trace.Keys.AsSpan(2 * Phase, Phase), trace.KeySpace, 5);

        // Two shifts of 500 over 1,000 keys wrap around to the same mapping.
        Assert.Equal(first.Order(), third.Order());
    }

    [Fact]
    public void TraceCatalog_QuickTraces_HaveTheAdvertisedLengthsAndKeySpaces()
    {
        foreach (var entry in TraceCatalog.Standard(quick: true))
        {
            var trace = entry.Generate();
            Assert.Equal(entry.Name, trace.Name);
            Assert.Equal(TraceCatalog.Length(quick: true), trace.Length);
            Assert.True(trace.KeySpace >= TraceCatalog.KeyCount(quick: true));
            Assert.All(trace.Keys, key => Assert.InRange(key, 0, trace.KeySpace - 1));
        }
    }

    private static int[] TopKeys(ReadOnlySpan<int> keys, int keySpace, int count)
    {
        var counts = new int[keySpace];
        foreach (int key in keys)
        {
            counts[key]++;
        }

        return [.. Enumerable.Range(0, keySpace).OrderByDescending(k => counts[k]).ThenBy(k => k).Take(count)];
    }
}

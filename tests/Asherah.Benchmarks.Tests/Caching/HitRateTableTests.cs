using Asherah.Benchmarks.Caching.HitRates;

namespace Asherah.Benchmarks.Tests.Caching;

public class HitRateTableTests
{
    [Fact]
    public void Format_WritesEachPolicyWithItsDistanceFromTheOptimumInPoints()
    {
        var result = new HitRateResult(
            "zipf-1.0", Accesses: 1000, DistinctKeys: 100, Capacity: 10, CapacityLabel: "1 %",
            OptimalHits: 700, DemandOptimalHits: 699,
            [new("simple", 900), new("lru", 650), new("tinylfu", 700)]);

        string table = HitRateTable.Format([result]);

        string[] lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("| trace | cache | OPT | OPT (admit all) | simple (unbounded) | lru | tinylfu |", lines[0]);
        Assert.Equal("|---|---|---:|---:|---:|---:|---:|", lines[1]);
        Assert.Equal(
            "| zipf-1.0 | 1 % (10) | 70.00 % | 69.90 % | 90.00 % (+20.00) | 65.00 % (−5.00) | 70.00 % (+0.00) |",
            lines[2]);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public void Format_WithNoResults_IsEmpty() => Assert.Equal(string.Empty, HitRateTable.Format([]));
}

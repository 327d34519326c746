using System.Globalization;
using Asherah.Benchmarks.Caching.Throughput;

namespace Asherah.Benchmarks.Tests.Caching;

/// <summary>The <c>cachescaling</c> command and the warm cache it shares with the BenchmarkDotNet hit benchmark.</summary>
public sealed class CacheScalingCommandTests : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), $"cache-scaling-{Guid.NewGuid():N}.md");

    [Theory]
    [InlineData("simple")]
    [InlineData("lru")]
    [InlineData("lfu")]
    [InlineData("slru")]
    [InlineData("tinylfu")]
    public void WarmCache_FindsEveryKeyItLooksUp(string policy)
    {
        using var warm = WarmCache.Create(policy);
        Assert.True(warm.Present.Length >= WarmCache.Capacity / 2, $"{warm.Present.Length} keys present");
        int[] stream = warm.Stream(50_000, 7);
        Assert.All(stream, index => Assert.InRange(index, 0, warm.Present.Length - 1));
        Assert.Equal(0, warm.LookUp(stream));
        Assert.Equal(stream, warm.Stream(50_000, 7)); // the same seed, the same stream
    }

    [Fact]
    public void Run_WritesOneRowPerPolicy_WithTimesAndSpeedUps()
    {
        Assert.Equal(0, CacheScalingCommand.Run(["--rounds", "3", "--hits", "20000", "--policies", "lru,tinylfu", "--out", _output]));

        var rows = File.ReadAllLines(_output).Where(line => line.StartsWith("| ", StringComparison.Ordinal) && !line.StartsWith("| policy", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["lru", "tinylfu"], rows.Select(row => row.Split('|')[1].Trim()));
        foreach (string row in rows)
        {
            // | policy | 1 thread | 2 threads | median | lowest | highest |
            double[] figures = [.. row.Split('|')[2..7].Select(cell => double.Parse(cell.Trim().TrimEnd('×'), CultureInfo.InvariantCulture))];
            Assert.All(figures, figure => Assert.True(figure > 0, row));
            Assert.True(figures[3] <= figures[2] && figures[2] <= figures[4], $"lowest ≤ median ≤ highest: {row}");
        }
    }

    [Theory]
    [InlineData("--rounds", "0")]
    [InlineData("--hits", "1")]
    [InlineData("--policies", "fifo")]
    [InlineData("--bogus")]
    public void Run_WithABadOption_ReturnsUsageError(params string[] args) => Assert.Equal(2, CacheScalingCommand.Run([.. args, "--out", _output]));

    public void Dispose() => File.Delete(_output);
}

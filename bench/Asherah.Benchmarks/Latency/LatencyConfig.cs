using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Perfolizer.Mathematics.OutlierDetection;

namespace Asherah.Benchmarks.Latency;

/// <summary>
/// Per-operation latency: every iteration is one invocation of one operation, so the statistics (P50, P99) are over
/// single operations, not over averages of many.
/// </summary>
/// <remarks>
/// 1,000 measured operations after 100 warm-up ones (a subclass may take fewer, for operations that wait on timeouts).
/// Nothing is removed as an outlier (the slow tail is what P99 is for) and no full GC is forced between operations (a
/// server handling requests does not get one either). Used by the SQL (Sql/) and AWS (Aws/) suites.
/// </remarks>
public class LatencyConfig : ManualConfig
{
    public LatencyConfig()
        : this(warmupCount: 100, iterationCount: 1000)
    {
    }

    protected LatencyConfig(int warmupCount, int iterationCount)
    {
        AddJob(Job.Default
            .WithId("Latency")
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithWarmupCount(warmupCount)
            .WithIterationCount(iterationCount)
            .WithGcForce(false)
            .WithOutlierMode(OutlierMode.DontRemove));
        AddColumn(StatisticColumn.P50, StatisticColumn.P95, P99Column.Instance, StatisticColumn.Max);
    }
}

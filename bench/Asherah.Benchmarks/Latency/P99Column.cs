using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Asherah.Benchmarks.Latency;

/// <summary>
/// The 99th percentile of the measurements, in microseconds (BenchmarkDotNet's built-in percentile columns stop at P95).
/// </summary>
/// <remarks>
/// With <see cref="LatencyConfig"/> every measurement is one operation, so this is the per-operation P99; with the
/// usual many invocations per iteration it would be a percentile of averages.
/// </remarks>
public sealed class P99Column : IColumn
{
    public static readonly P99Column Instance = new();

    public string Id => "P99Column";

    public string ColumnName => "P99";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Statistics;

    public int PriorityInCategory => 10;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "99th percentile of single operations, in microseconds";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        summary[benchmarkCase]?.ResultStatistics is { } statistics
            ? (statistics.Percentiles.Percentile(99) / 1000).ToString("N1", CultureInfo.InvariantCulture) + " μs"
            : "NA";

    public override string ToString() => ColumnName;
}

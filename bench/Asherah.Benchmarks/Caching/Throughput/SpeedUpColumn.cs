using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Asherah.Benchmarks.Caching.Throughput;

/// <summary>
/// (Mean of the same case on 1 thread) / (this case's Mean), where Mean is wall time per operation of the whole run:
/// the throughput gained by the threads. 1.00 on the 1-thread rows; 2.00 would be perfect scaling on 2 threads.
/// </summary>
/// <remarks>Cases are matched on every parameter except <c>Threads</c>.</remarks>
public sealed class SpeedUpColumn : IColumn
{
    public static readonly SpeedUpColumn Instance = new();

    public string Id => nameof(SpeedUpColumn);

    public string ColumnName => "speed-up";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "throughput relative to the same case on 1 thread (Mean on 1 thread / Mean)";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var single = summary.BenchmarksCases.FirstOrDefault(other =>
            other.Descriptor == benchmarkCase.Descriptor
            && other.Parameters.Items.All(p => p.Name == "Threads"
                ? Equals(p.Value, 1)
                : Equals(p.Value, benchmarkCase.Parameters[p.Name])));
        double? mine = summary[benchmarkCase]?.ResultStatistics?.Mean;
        double? baseline = single is null ? null : summary[single]?.ResultStatistics?.Mean;
        return mine is > 0 && baseline is > 0
            ? (baseline.Value / mine.Value).ToString("F2", CultureInfo.InvariantCulture)
            : "NA";
    }

    public override string ToString() => ColumnName;
}

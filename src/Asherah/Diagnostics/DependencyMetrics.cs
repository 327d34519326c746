using System.Diagnostics.Metrics;

namespace Asherah.Diagnostics;

/// <summary>
/// Durations of metastore and key management service calls, on the factory's <c>Asherah</c> meter:
/// <c>asherah.metastore.operation.duration</c> and <c>asherah.kms.operation.duration</c>, histograms in seconds
/// (OpenTelemetry's unit for durations), tagged <c>asherah.operation</c>, <c>asherah.key.tier</c> and, on failure,
/// <c>error.type</c>.
/// </summary>
/// <remarks>
/// Bucket boundaries are advised from 100 µs to 10 s: a local metastore answers in well under a millisecond, a cloud KMS
/// in milliseconds, a failing region after its timeout (10 s by default).
/// </remarks>
internal sealed class DependencyMetrics
{
    public const string OperationTag = "asherah.operation";

    private static readonly InstrumentAdvice<double> Buckets = new()
    {
        HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    public DependencyMetrics(Meter meter)
    {
        MetastoreDuration = meter.CreateHistogram("asherah.metastore.operation.duration", "s", "Duration of metastore calls.", tags: null, advice: Buckets);
        KmsDuration = meter.CreateHistogram("asherah.kms.operation.duration", "s", "Duration of key management service calls.", tags: null, advice: Buckets);
    }

    public Histogram<double> MetastoreDuration { get; }

    public Histogram<double> KmsDuration { get; }
}

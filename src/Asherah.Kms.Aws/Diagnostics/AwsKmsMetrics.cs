using System.Diagnostics.Metrics;

namespace Asherah.Kms.Aws.Diagnostics;

/// <summary>The AWS KMS service's instruments, on the meter named <c>Asherah</c> (the core's).</summary>
/// <remarks>
/// <code>
/// asherah.kms.region.failures      {failure}  a call to one region failed or timed out
///                                  tags: region, operation = generate_data_key | encrypt | decrypt,
///                                        reason = timeout | throttled | unavailable | rejected | invalid_response | undecryptable
/// asherah.kms.key.regions_missing  {region}   a system key was written without this region's entry (tag: region)
/// </code>
/// A meter from an <see cref="IMeterFactory"/> belongs to the factory; one this class creates is disposed with it.
/// </remarks>
internal sealed class AwsKmsMetrics : IDisposable
{
    public const string MeterName = "Asherah";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public AwsKmsMetrics(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        RegionFailures = _meter.CreateCounter<long>("asherah.kms.region.failures", "{failure}", "Calls to one AWS KMS region that failed or timed out.");
        RegionsMissing = _meter.CreateCounter<long>("asherah.kms.key.regions_missing", "{region}", "Regions left out of a newly encrypted system key because their KMS Encrypt failed.");
    }

    public Counter<long> RegionFailures { get; }

    public Counter<long> RegionsMissing { get; }

    public void CountFailure(string region, string operation, string reason) =>
        RegionFailures.Add(1, new KeyValuePair<string, object?>("region", region), new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("reason", reason));

    public void CountMissing(string region) =>
        RegionsMissing.Add(1, new KeyValuePair<string, object?>("region", region));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}

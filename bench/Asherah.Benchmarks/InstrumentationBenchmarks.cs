using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;

namespace Asherah.Benchmarks;

/// <summary>
/// The hot path (64-byte encrypt and decrypt, caches warm, as in <see cref="EnvelopeBenchmarks"/>) with and without a
/// listener on the "Asherah" activity source and meter, as an OpenTelemetry SDK would attach: every span sampled and
/// recorded, every instrument's measurements delivered.
/// </summary>
[MemoryDiagnoser]
public class InstrumentationBenchmarks
{
    private SessionFactory _factory = null!;
    private BytesSession _session = null!;
    private byte[] _payload = null!;
    private byte[] _record = null!;
    private ActivityListener? _activities;
    private MeterListener? _meters;
    private long _observed;

    [Params(false, true)]
    public bool Listening { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (Listening)
        {
            _activities = new ActivityListener
            {
                ShouldListenTo = s => s.Name == AsherahTelemetry.ActivitySourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = _ => Interlocked.Increment(ref _observed),
            };
            ActivitySource.AddActivityListener(_activities);
            _meters = new MeterListener
            {
                InstrumentPublished = (instrument, listener) =>
                {
                    if (instrument.Meter.Name is AsherahTelemetry.MeterName or AsherahTelemetry.SecureMemoryMeterName)
                    {
                        listener.EnableMeasurementEvents(instrument);
                    }
                },
            };
            _meters.SetMeasurementEventCallback<long>((_, _, _, _) => _observed++);
            _meters.SetMeasurementEventCallback<int>((_, _, _, _) => _observed++);
            _meters.SetMeasurementEventCallback<double>((_, _, _, _) => _observed++);
            _meters.Start();
        }

        _factory = SessionFactory.NewBuilder("bench-product", "bench-service")
            .WithInMemoryMetastore()
            .WithNeverExpiredCryptoPolicy()
            .WithStaticKeyManagementService("thisIsAStaticMasterKeyForTesting")
            .Build();
        _session = _factory.GetSessionBytes("bench-partition");
        _payload = new byte[64];
        Random.Shared.NextBytes(_payload);
        _record = _session.Encrypt(_payload);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _session.Dispose();
        _factory.Dispose();
        _meters?.Dispose();
        _activities?.Dispose();
        if (Listening && _observed == 0)
        {
            throw new InvalidOperationException("The listeners observed nothing: the benchmark did not measure what it says.");
        }
    }

    [Benchmark]
    public byte[] Encrypt64() => _session.Encrypt(_payload);

    [Benchmark]
    public byte[] Decrypt64() => _session.Decrypt(_record);
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Asherah.Tests.Diagnostics;

/// <summary>Durations of metastore and KMS calls: histograms in seconds on the factory's "Asherah" meter.</summary>
public sealed class DependencyMetricsTests : IDisposable
{
    private readonly ConcurrentQueue<(Instrument Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly MeterListener _listener = new();
    private readonly SessionFactory _factory;

    public DependencyMetricsTests()
    {
        _factory = TestFactories.New();
        var meter = _factory.Context.Metrics.Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            _measurements.Enqueue((instrument, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _factory.Dispose();
    }

    [Fact]
    public void FirstEncrypt_RecordsMetastoreAndKmsDurations_InSeconds_TaggedByOperationAndTier()
    {
        using var session = _factory.GetSessionBytes("p");

        session.Encrypt([1]);

        var metastore = _measurements.Where(m => m.Instrument.Name == "asherah.metastore.operation.duration").ToList();
        var kms = _measurements.Where(m => m.Instrument.Name == "asherah.kms.operation.duration").ToList();
        Assert.All(metastore.Concat(kms), m =>
        {
            Assert.Equal("s", m.Instrument.Unit);
            Assert.IsType<Histogram<double>>(m.Instrument);
            Assert.True(m.Value >= 0);
            Assert.False(m.Tags.ContainsKey("error.type"));
        });
        Assert.Contains(metastore, m => (string?)m.Tags["asherah.operation"] == "load_latest" && (string?)m.Tags["asherah.key.tier"] == "system");
        Assert.Contains(metastore, m => (string?)m.Tags["asherah.operation"] == "store" && (string?)m.Tags["asherah.key.tier"] == "intermediate");
        var encrypt = Assert.Single(kms);
        Assert.Equal("encrypt", encrypt.Tags["asherah.operation"]);
    }

    [Fact]
    public void WarmCaches_RecordNoDurations()
    {
        using var session = _factory.GetSessionBytes("p");
        byte[] record = session.Encrypt([1]);
        _measurements.Clear();

        session.Encrypt([2]);
        session.Decrypt(record);

        Assert.Empty(_measurements);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Asherah.KeyManagement;
using Microsoft.Extensions.Time.Testing;

namespace Asherah.Tests.Caching;

/// <summary>
/// The memory-pressure policy in a real factory (in-memory metastore, static KMS, real secure memory), driven by
/// chosen readings through <see cref="IMemoryPressureSource"/> and a <see cref="FakeTimeProvider"/>.
/// </summary>
public sealed class MemoryPressureMonitorTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly MemoryPressureReading Calm = new(0.2, 0, null);
    private static readonly MemoryPressureReading HighLoad = new(0.95, 0, null);

    private readonly ScriptedSource _source = new();
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingLogger _logger = new();
    private readonly PressureMetrics _metrics = new();

    public void Dispose() => _metrics.Dispose();

    [Fact]
    public void ACheckIntervalLongerThanATimerTakes_StillBuildsAndWorks()
    {
        var policy = new NeverExpiredCryptoPolicy { CacheSessions = true, SharedIntermediateKeyCache = true, IntermediateKeyCacheEvictionPolicy = CacheEvictionPolicy.Lru };
        policy.MemoryPressure.Enabled = true;
        policy.MemoryPressure.CheckInterval = TimeSpan.MaxValue;
        using var factory = TestFactories.New(policy: policy);
        using var session = factory.GetSessionBytes("partition");
        byte[] payload = "payload"u8.ToArray();
        Assert.Equal(payload, session.Decrypt(session.Encrypt(payload)));
    }

    [Fact]
    public void ThePolicy_IsOffByDefault_AndAFactoryThenHasNoMonitor()
    {
        Assert.False(new NeverExpiredCryptoPolicy().MemoryPressure.Enabled);
        Assert.False(new AsherahOptions().MemoryPressure.Enabled);
        using var factory = TestFactories.New(policy: new NeverExpiredCryptoPolicy { SharedIntermediateKeyCache = true });

        Assert.Null(factory.Context.MemoryPressure);
    }

    [Fact]
    public void UnderMemoryLoad_TheSharedKeyCacheHalvesAtEachCheck_DownToTheFloor_AndEveryRecordStillDecrypts()
    {
        using var factory = NewFactory(SharedKeys(CacheEvictionPolicy.Lru));
        var records = EncryptInPartitions(factory, 100);
        var keys = factory.Context.SharedIntermediateKeys!;
        Assert.Equal(100, keys.Count);

        _source.Reading = HighLoad;
        int[] expected = [50, 25, 12, 10, 10];
        foreach (int capacity in expected)
        {
            _time.Advance(Interval);
            Assert.Equal(capacity, keys.Capacity);
            Assert.InRange(keys.Count, 1, capacity);
        }

        var shrinks = Events(11);
        Assert.Equal(4, shrinks.Count);
        Assert.Contains("(gc_memory_load)", shrinks[0], StringComparison.Ordinal);
        Assert.Contains("intermediate_key cache from 1000 to 50 entries; 50 cached", shrinks[0], StringComparison.Ordinal);
        Assert.Contains("from 12 to 10", shrinks[3], StringComparison.Ordinal);
        Assert.Equal(4, _metrics.Resizes("intermediate_key", "shrink"));
        Assert.Equal(10, _metrics.Capacity("intermediate_key"));

        DecryptAll(factory, records);
        Assert.InRange(keys.Count, 1, 10);
    }

    [Fact]
    public void WhenThePressureEnds_CapacityGrowsBackAfterTheRecoveryDelay_DoublingToTheMaximum()
    {
        using var factory = NewFactory(SharedKeys(CacheEvictionPolicy.Slru, maxSize: 300));
        EncryptInPartitions(factory, 40);
        var keys = factory.Context.SharedIntermediateKeys!;
        _source.Reading = HighLoad;
        _time.Advance(Interval);
        Assert.Equal(20, keys.Capacity);

        _source.Reading = Calm;
        _time.Advance(Interval);
        _time.Advance(Interval);
        Assert.Equal(20, keys.Capacity); // 20 s without pressure: still within the 30 s recovery delay

        int[] expected = [40, 80, 160, 300, 300];
        foreach (int capacity in expected)
        {
            _time.Advance(Interval);
            Assert.Equal(capacity, keys.Capacity);
        }

        var grown = Events(12);
        Assert.Equal(4, grown.Count);
        Assert.Contains("intermediate_key cache's capacity from 160 to 300", grown[3], StringComparison.Ordinal);
        Assert.Equal(4, _metrics.Resizes("intermediate_key", "grow"));
        Assert.Equal(300, _metrics.Capacity("intermediate_key"));

        // Grown back, the cache admits again without evicting (20 kept through the shrink, 200 new).
        EncryptInPartitions(factory, 200, prefix: "more");
        Assert.Equal(220, keys.Count);
    }

    [Fact]
    public void LockedMemory_NearTheLimit_ShrinksOnlyWhileItStillGrows()
    {
        using var factory = NewFactory(SharedKeys(CacheEvictionPolicy.Lfu));
        EncryptInPartitions(factory, 80);
        var keys = factory.Context.SharedIntermediateKeys!;

        _source.Reading = new MemoryPressureReading(0.2, 500, 1000); // rising, but below 90 %
        _time.Advance(Interval);
        Assert.Equal(1000, keys.Capacity);

        _source.Reading = new MemoryPressureReading(0.2, 950, 1000);
        _time.Advance(Interval);
        Assert.Equal(40, keys.Capacity);
        Assert.Contains("(locked_memory)", Events(11)[0], StringComparison.Ordinal);

        _time.Advance(Interval); // steady at 95 %: the cache lives in the slots it has
        Assert.Equal(40, keys.Capacity);

        _source.Reading = new MemoryPressureReading(0.2, 960, 1000);
        _time.Advance(Interval);
        Assert.Equal(20, keys.Capacity);
    }

    [Fact]
    public void WithoutALockLimit_LockedBytesAreNoPressure()
    {
        using var factory = NewFactory(SharedKeys(CacheEvictionPolicy.Lru));
        EncryptInPartitions(factory, 30);
        var keys = factory.Context.SharedIntermediateKeys!;
        for (int i = 1; i <= 3; i++)
        {
            _source.Reading = new MemoryPressureReading(0.2, i * 1_000_000_000L, null);
            _time.Advance(Interval);
        }

        Assert.Equal(1000, keys.Capacity);
        Assert.Equal(30, keys.Count);
        Assert.Empty(Events(11));
    }

    [Fact]
    public void ASimpleKeyCache_IsTrimmed_AndGrowsFreelyAgain()
    {
        using var factory = NewFactory(SharedKeys(CacheEvictionPolicy.Simple));
        EncryptInPartitions(factory, 64);
        var keys = factory.Context.SharedIntermediateKeys!;

        _source.Reading = HighLoad;
        _time.Advance(Interval);
        Assert.Equal(32, keys.Count);
        Assert.Equal(int.MaxValue, keys.Capacity);
        Assert.Contains("from 64 to 32 entries; 32 cached", Events(11)[0], StringComparison.Ordinal);

        _source.Reading = Calm;
        EncryptInPartitions(factory, 50, prefix: "later");
        Assert.Equal(82, keys.Count);
        Assert.Empty(Events(12)); // nothing to grow back
    }

    [Fact]
    public void TheSessionCache_Shrinks_AndASessionEvictedWhileHeldStaysUsable()
    {
        var policy = new NeverExpiredCryptoPolicy { CacheSessions = true, SessionCacheMaxSize = 100 };
        policy.MemoryPressure.MinimumCacheSize = 5;
        using var factory = NewFactory(policy);
        using var held = factory.GetSessionBytes("held");
        var record = held.Encrypt([1, 2, 3]);
        EncryptInPartitions(factory, 39);
        var sessions = factory.Sessions!;
        Assert.Equal(40, sessions.Count);

        _source.Reading = HighLoad;
        for (int i = 0; i < 4; i++)
        {
            _time.Advance(Interval); // 40 entries: capacity 20, 10, 5, 5
        }

        Assert.Equal(5, sessions.Capacity);
        Assert.InRange(sessions.Count, 1, 5);
        Assert.False(sessions.Holds(held.EnvelopeForTests)); // the least recently used: evicted while held
        Assert.False(held.EnvelopeForTests.IsDisposed);
        Assert.Equal([1, 2, 3], held.Decrypt(record));
        Assert.Equal([4, 5], held.Decrypt(held.Encrypt([4, 5])));
        Assert.Contains(Events(11), e => e.Contains("the session cache from 100 to 20", StringComparison.Ordinal));
        Assert.Equal(3, _metrics.Resizes("session", "shrink"));
    }

    [Fact]
    public void ARefusedAllocation_Shrinks_OnceForAllThatSawTheSameGeneration_AndNotBelowTheFloor()
    {
        using var factory = NewFactory(SharedKeys(CacheEvictionPolicy.Lru));
        EncryptInPartitions(factory, 40);
        var monitor = factory.Context.MemoryPressure!;
        var keys = factory.Context.SharedIntermediateKeys!;

        int seen = monitor.Generation;
        Assert.True(monitor.Relieve(seen));
        Assert.Equal(20, keys.Capacity);
        Assert.True(monitor.Relieve(seen)); // a concurrent refusal: already relieved, retry without halving again
        Assert.Equal(20, keys.Capacity);
        Assert.Contains("(allocation_refused)", Events(11)[0], StringComparison.Ordinal);

        Assert.True(monitor.Relieve(monitor.Generation));
        Assert.Equal(10, keys.Capacity);
        Assert.False(monitor.Relieve(monitor.Generation)); // at the floor: nothing left to give, the refusal stands
        Assert.Equal(10, keys.Capacity);
    }

    [Fact]
    public void AfterTheFactoryIsDisposed_TheTimerChangesNothing()
    {
        var factory = NewFactory(SharedKeys(CacheEvictionPolicy.Lru));
        EncryptInPartitions(factory, 30);
        var monitor = factory.Context.MemoryPressure!;
        factory.Dispose();

        _source.Reading = HighLoad;
        _time.Advance(Interval);
        _time.Advance(Interval);

        Assert.Empty(Events(11));
        Assert.Empty(monitor.Capacities);
        Assert.False(monitor.Relieve(monitor.Generation));
    }

    private static NeverExpiredCryptoPolicy SharedKeys(CacheEvictionPolicy policy, int maxSize = 1000)
    {
        var cryptoPolicy = new NeverExpiredCryptoPolicy
        {
            SharedIntermediateKeyCache = true,
            IntermediateKeyCacheEvictionPolicy = policy,
            IntermediateKeyCacheMaxSize = maxSize,
        };
        cryptoPolicy.MemoryPressure.MinimumCacheSize = 10;
        return cryptoPolicy;
    }

    private static List<(string Partition, byte[] Record)> EncryptInPartitions(SessionFactory factory, int count, string prefix = "user")
    {
        var records = new List<(string, byte[])>();
        for (int i = 0; i < count; i++)
        {
            string partition = $"{prefix}-{i}";
            using var session = factory.GetSessionBytes(partition);
            records.Add((partition, session.Encrypt([(byte)i, 7])));
        }

        return records;
    }

    private static void DecryptAll(SessionFactory factory, List<(string Partition, byte[] Record)> records)
    {
        for (int i = 0; i < records.Count; i++)
        {
            using var session = factory.GetSessionBytes(records[i].Partition);
            Assert.Equal([(byte)i, 7], session.Decrypt(records[i].Record));
        }
    }

    private SessionFactory NewFactory(CryptoPolicy policy)
    {
        policy.MemoryPressure.Enabled = true;
        policy.MemoryPressure.CheckInterval = Interval;
        policy.MemoryPressure.RecoveryDelay = TimeSpan.FromSeconds(30);
        _source.Reading = Calm;
        return SessionFactory.NewBuilder("product", "service")
            .WithMetastore(new InMemoryMetastore())
            .WithCryptoPolicy(policy)
            .WithStaticKeyManagementService(TestFactories.MasterKey)
            .WithTimeProvider(_time)
            .WithLogger(_logger)
            .WithMeterFactory(_metrics)
            .WithMemoryPressureSource(_source)
            .Build();
    }

    private List<string> Events(int id) => [.. _logger.Entries.Where(e => e.Id.Id == id).Select(e => e.Message)];

    private sealed class ScriptedSource : IMemoryPressureSource
    {
        public MemoryPressureReading Reading { get; set; } = Calm;

        public MemoryPressureReading Read() => Reading;
    }

    /// <summary>Listens only to its own meters: <c>asherah.cache.resizes</c> by tier and direction, <c>asherah.cache.capacity</c> by tier.</summary>
    private sealed class PressureMetrics : IMeterFactory
    {
        private readonly ConcurrentDictionary<(string Tier, string Direction), long> _resizes = new();
        private readonly ConcurrentDictionary<string, int> _capacities = new();
        private readonly List<Meter> _meters = [];
        private readonly MeterListener _listener = new();

        public PressureMetrics()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == this && instrument.Name is "asherah.cache.resizes" or "asherah.cache.capacity")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
                _resizes.AddOrUpdate((Tag(tags, "tier"), Tag(tags, "direction")), value, (_, sum) => sum + value));
            _listener.SetMeasurementEventCallback<int>((_, value, tags, _) => _capacities[Tag(tags, "tier")] = value);
            _listener.Start();
        }

        public long Resizes(string tier, string direction) => _resizes.GetValueOrDefault((tier, direction));

        public int Capacity(string tier)
        {
            _capacities.Clear();
            _listener.RecordObservableInstruments();
            return _capacities.TryGetValue(tier, out int capacity) ? capacity : -1;
        }

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(new MeterOptions(options.Name) { Scope = this });
            lock (_meters)
            {
                _meters.Add(meter);
            }

            return meter;
        }

        public void Dispose()
        {
            _listener.Dispose();
            lock (_meters)
            {
                _meters.ForEach(m => m.Dispose());
            }
        }

        private static string Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == name)
                {
                    return (string)tag.Value!;
                }
            }

            return "?";
        }
    }
}

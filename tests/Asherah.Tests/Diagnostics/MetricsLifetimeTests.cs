using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Asherah.Tests.Diagnostics;

/// <summary>A disposed factory is collectable: its meter and session-cache gauge do not keep it alive.</summary>
public class MetricsLifetimeTests
{
    [Fact]
    public void DisposedFactory_WithCachedSessionsAndItsOwnMeter_IsCollected()
    {
        var factory = UseAndDispose(meterFactory: null);

        Assert.False(IsAlive(factory), "The disposed factory is still reachable.");
    }

    [Fact]
    public void DisposedFactory_WithCachedSessionsAndAMeterFactorysMeter_IsCollected()
    {
        using var meters = new CachingMeterFactory();

        var factory = UseAndDispose(meters);

        Assert.False(IsAlive(factory), "The disposed factory is still reachable.");
        Assert.False(meters.Created.Single().Value.IsDisposed(), "The meter factory's meter must stay the meter factory's.");
    }

    [Fact]
    public void SessionCacheGauge_ReportsTheCachedSessions_UntilTheFactoryIsDisposed()
    {
        using var meters = new CachingMeterFactory();
        var factory = NewFactory(meters);
        using (var session = factory.GetSessionBytes("partition"))
        {
            session.Encrypt([1]);
        }

        var meter = meters.Created.Single().Value;
        Assert.Equal([1], ObserveSessions(meter));
        factory.Dispose();
        Assert.Empty(ObserveSessions(meter));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference UseAndDispose(IMeterFactory? meterFactory)
    {
        var factory = NewFactory(meterFactory);
        using (var session = factory.GetSessionBytes("partition"))
        {
            Assert.Equal([1], session.Decrypt(session.Encrypt([1])));
        }

        factory.Dispose();
        return new WeakReference(factory);
    }

    private static bool IsAlive(WeakReference reference)
    {
        for (int i = 0; i < 5 && reference.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        return reference.IsAlive;
    }

    private static SessionFactory NewFactory(IMeterFactory? meterFactory)
    {
        var builder = SessionFactory.NewBuilder("product", "service").WithInMemoryMetastore()
            .WithCryptoPolicy(new NeverExpiredCryptoPolicy { CacheSessions = true })
            .WithStaticKeyManagementService(TestFactories.MasterKey);
        if (meterFactory is not null)
        {
            builder.WithMeterFactory(meterFactory);
        }

        return builder.Build();
    }

    private static List<int> ObserveSessions(Meter meter)
    {
        var values = new List<int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == meter && instrument.Name == "asherah.sessions.cached")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => values.Add(value));
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }

    /// <summary>Like the DI meter factory: one meter per name, shared by every caller, disposed with the factory.</summary>
    private sealed class CachingMeterFactory : IMeterFactory
    {
        public ConcurrentDictionary<string, TrackedMeter> Created { get; } = new();

        public Meter Create(MeterOptions options) => Created.GetOrAdd(options.Name, name => new TrackedMeter(name, this));

        public void Dispose()
        {
            foreach (var meter in Created.Values)
            {
                meter.Dispose();
            }
        }
    }

    private sealed class TrackedMeter(string name, object scope) : Meter(new MeterOptions(name) { Scope = scope })
    {
        private bool _disposed;

        public bool IsDisposed() => _disposed;

        protected override void Dispose(bool disposing)
        {
            _disposed = true;
            base.Dispose(disposing);
        }
    }
}

using System.Text;
using Asherah.Diagnostics;
using Asherah.KeyManagement;
using Asherah.Metastore;
using Asherah.SecureMemory;
using Asherah.Tests.Caching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Asherah.Tests.KeyManagement;

/// <summary>
/// <see cref="CryptoPolicy.BackgroundKeyRefresh"/>: cached keys are re-checked in the background (refresh-ahead and
/// stale-while-revalidate), one re-check per key, a bounded number at once, and an outage keeps the cached keys serving.
/// </summary>
public sealed class BackgroundKeyRefreshTests : IDisposable
{
    private const string IntermediateKeyId = "_IK_partition_service_product";
    private static readonly TimeSpan RevokeCheck = TimeSpan.FromMinutes(10);
    private static readonly byte[] Payload = "payload"u8.ToArray();

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 30, TimeSpan.Zero));
    private readonly InMemoryMetastore _stored = new();
    private readonly ControlledMetastore _metastore;
    private readonly CacheMetricsRecorder _metrics = new();
    private readonly RecordingLogger _logger = new();

    public BackgroundKeyRefreshTests() => _metastore = new ControlledMetastore(_stored);

    public void Dispose() => _metrics.Dispose();

    [Fact]
    public async Task HotKey_AfterTheRefreshAheadPoint_IsServedWhileTheMetastoreHangs_AndReCheckedOnce()
    {
        using var factory = NewFactory();
        using var session = factory.GetSessionBytes("partition");
        var first = session.Encrypt(Payload);
        int loadsBefore = _metastore.Loads;

        _metastore.Close();
        _time.Advance(RevokeCheck * 0.85); // past 0.8 × the interval, not yet stale
        var records = await Task.Run(() => Enumerable.Range(0, 200).Select(_ => session.Encrypt(Payload)).ToList()).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Payload, await Task.Run(() => session.Decrypt(first)).WaitAsync(TimeSpan.FromSeconds(30)));

        await _metastore.Waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, _metastore.Loads - loadsBefore); // one re-check, however many uses
        _metastore.Open();
        await UntilIdleAsync(factory);

        Assert.Equal(1, _metrics.Refreshes(CacheTierMetrics.IntermediateKey, "background", "succeeded"));
        Assert.Equal(0, _metrics.Refreshes(CacheTierMetrics.IntermediateKey, "inline", "succeeded"));
        Assert.All(records, r => Assert.Equal(Payload, session.Decrypt(r)));

        // The re-check restarted the interval: the next uses need no metastore.
        int loadsAfter = _metastore.Loads;
        _time.Advance(RevokeCheck * 0.5);
        session.Encrypt(Payload);
        await UntilIdleAsync(factory);
        Assert.Equal(loadsAfter, _metastore.Loads);
    }

    [Fact]
    public async Task StaleKey_IsServedAtOnce_AndTheReCheckRunsBehindIt()
    {
        using var factory = NewFactory(fraction: 1.0);
        using var session = factory.GetSessionBytes("partition");
        session.Encrypt(Payload);
        _metastore.Close();
        _time.Advance(RevokeCheck * 3); // long unused: stale

        var record = await Task.Run(() => session.Encrypt(Payload)).WaitAsync(TimeSpan.FromSeconds(30));
        await _metastore.Waiting.WaitAsync(TimeSpan.FromSeconds(30));
        _metastore.Open();
        await UntilIdleAsync(factory);

        Assert.Equal(Payload, session.Decrypt(record));
        Assert.Equal(1, _metrics.Refreshes(CacheTierMetrics.IntermediateKey, "background", "succeeded"));
    }

    [Fact]
    public async Task Revocation_FoundInTheBackground_TakesEffectOnTheNextWrite()
    {
        using var factory = NewFactory();
        using var session = factory.GetSessionBytes("partition");
        var before = session.Encrypt(Payload);
        var ik = Assert.Single(await _stored.ListAllAsync(), r => r.KeyId == IntermediateKeyId);
        Assert.True(_stored.Replace(ik.KeyId, ik.Created, ik.Record.WithRevoked(true)));

        _time.Advance(RevokeCheck * 0.9);
        var during = session.Encrypt(Payload); // still the cached key; schedules the re-check
        await UntilIdleAsync(factory);
        Assert.Contains(_logger.Entries, e => e.Id.Id == 21 && e.Level == LogLevel.Information);

        _time.Advance(TimeSpan.FromMinutes(1)); // a later minute for the new key
        var after = session.Encrypt(Payload);

        var iks = (await _stored.ListAllAsync()).Where(r => r.KeyId == IntermediateKeyId).OrderBy(r => r.Created).ToList();
        Assert.Equal(2, iks.Count);
        Assert.Contains(CreatedOf(iks[0]), Encoding.UTF8.GetString(during));
        Assert.Contains(CreatedOf(iks[1]), Encoding.UTF8.GetString(after));
        Assert.Equal(Payload, session.Decrypt(before));
        Assert.Equal(Payload, session.Decrypt(during));
        Assert.Equal(Payload, session.Decrypt(after));
    }

    [Fact]
    public async Task NewerKey_StoredByAnotherWriter_IsPickedUpByTheReCheck()
    {
        using var factory = NewFactory();
        using var session = factory.GetSessionBytes("partition");
        session.Encrypt(Payload);

        // Another host whose policy finds our key expired a minute later writes a newer one.
        var otherTime = new FakeTimeProvider(_time.GetUtcNow() + TimeSpan.FromMinutes(2));
        using (var other = TestFactories.New(_stored, new BasicExpiringCryptoPolicy { KeyExpiration = TimeSpan.FromMinutes(1), RevokeCheckInterval = RevokeCheck }, otherTime))
        using (var otherSession = other.GetSessionBytes("partition"))
        {
            otherSession.Encrypt(Payload);
        }

        var iks = (await _stored.ListAllAsync()).Where(r => r.KeyId == IntermediateKeyId).OrderBy(r => r.Created).ToList();
        Assert.Equal(2, iks.Count);

        _time.Advance(RevokeCheck * 0.9);
        var during = session.Encrypt(Payload);
        await UntilIdleAsync(factory);
        var after = session.Encrypt(Payload);

        Assert.Contains(CreatedOf(iks[0]), Encoding.UTF8.GetString(during));
        Assert.Contains(CreatedOf(iks[1]), Encoding.UTF8.GetString(after));
        Assert.Equal(2, (await _stored.ListAllAsync()).Count(r => r.KeyId == IntermediateKeyId)); // nothing created here
        Assert.Equal(Payload, session.Decrypt(after));
    }

    [Fact]
    public async Task MetastoreOutage_DuringReCheck_KeepsServing_ReportsIt_AndBacksOff()
    {
        using var factory = NewFactory();
        using var session = factory.GetSessionBytes("partition");
        var before = session.Encrypt(Payload);
        int loadsBefore = _metastore.Loads;

        _metastore.Failing = true;
        _time.Advance(RevokeCheck * 2);
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal(Payload, session.Decrypt(session.Encrypt(Payload)));
            await UntilIdleAsync(factory);
        }

        Assert.Equal(Payload, session.Decrypt(before));
        Assert.Equal(1, _metastore.Loads - loadsBefore); // one attempt until the back-off has passed
        Assert.Equal(1, _metrics.Refreshes(CacheTierMetrics.IntermediateKey, "background", "failed"));
        var warning = Assert.Single(_logger.Entries, e => e.Id.Id == 20);
        Assert.Equal(LogLevel.Warning, warning.Level);

        _time.Advance(TimeSpan.FromSeconds(1)); // the first back-off
        session.Encrypt(Payload);
        await UntilIdleAsync(factory);
        Assert.Equal(2, _metrics.Refreshes(CacheTierMetrics.IntermediateKey, "background", "failed"));

        _metastore.Failing = false;
        _time.Advance(TimeSpan.FromSeconds(2)); // the second back-off
        session.Encrypt(Payload);
        await UntilIdleAsync(factory);
        Assert.Equal(1, _metrics.Refreshes(CacheTierMetrics.IntermediateKey, "background", "succeeded"));
        Assert.Single(await _stored.ListAllAsync(), r => r.KeyId == IntermediateKeyId); // no key was replaced
    }

    [Fact]
    public async Task ManyThreads_OnAHotKey_StartOneReCheck()
    {
        using var factory = NewFactory();
        using var session = factory.GetSessionBytes("partition");
        session.Encrypt(Payload);
        int loadsBefore = _metastore.Loads;
        _metastore.Close();
        _time.Advance(RevokeCheck * 0.9);

        var threads = Enumerable.Range(0, 16).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                Assert.Equal(Payload, session.Decrypt(session.Encrypt(Payload)));
            }
        })).ToArray();
        await Task.WhenAll(threads).WaitAsync(TimeSpan.FromSeconds(60));
        await _metastore.Waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, _metastore.Loads - loadsBefore);
        _metastore.Open();
        await UntilIdleAsync(factory);
        Assert.Equal(1, _metrics.Refreshes(CacheTierMetrics.IntermediateKey, "background", "succeeded"));
    }

    [Fact]
    public async Task ReChecks_RunAtMostMaxConcurrentKeyRefreshesAtOnce_AndAllComplete()
    {
        const int Partitions = 20;
        using var factory = NewFactory(maxConcurrent: 2);
        var sessions = Enumerable.Range(0, Partitions).Select(i => factory.GetSessionBytes($"p{i}")).ToList();
        try
        {
            sessions.ForEach(s => s.Encrypt(Payload));
            _metastore.Close();
            _time.Advance(RevokeCheck * 0.9);
            sessions.ForEach(s => s.Encrypt(Payload));

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (_metastore.InFlight < 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "the second worker did not start");
                await Task.Delay(5);
            }

            await Task.Delay(200); // give any excess worker the chance to start (it must not)
            Assert.Equal(2, _metastore.InFlight);
            _metastore.Open();
            await UntilIdleAsync(factory);

            Assert.Equal(2, _metastore.MaxInFlight);
            Assert.Equal(Partitions, _metrics.Refreshes(CacheTierMetrics.IntermediateKey, "background", "succeeded"));
        }
        finally
        {
            sessions.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task Dispose_WithAReCheckHanging_CancelsIt_AndFreesEveryKey()
    {
        var memory = new SecureMemoryOptions { ChunkSize = 4 * 1024 * 1024 }; // an allocator no other test shares
        var allocator = (SlabAllocator)SecureAllocators.Create(memory);
        long baseline = allocator.AllocatedBuffers;
        var factory = NewBuilder(fraction: 0.8, maxConcurrent: 4).WithSecureMemory(memory).Build();
        var session = factory.GetSessionBytes("partition");
        session.Encrypt(Payload);
        _metastore.Close();
        _time.Advance(RevokeCheck * 0.9);
        session.Encrypt(Payload);
        await _metastore.Waiting.WaitAsync(TimeSpan.FromSeconds(30));

        await Task.Run(() =>
        {
            session.Dispose();
            factory.Dispose();
        }).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, factory.Context.Refresher!.Pending);
        Assert.Equal(baseline, allocator.AllocatedBuffers);
        Assert.DoesNotContain(_logger.Entries, e => e.Id.Id == 20); // a cancelled re-check is no failure
    }

    [Fact]
    public void Inline_IsTheDefault_AndItsReChecksAreCountedToo()
    {
        Assert.False(new BasicExpiringCryptoPolicy().BackgroundKeyRefresh);
        using var factory = TestFactories.New(_metastore, new BasicExpiringCryptoPolicy { RevokeCheckInterval = RevokeCheck }, _time);
        Assert.Null(factory.Context.Refresher);
        using var metered = SessionFactory.NewBuilder("product", "service")
            .WithMetastore(_metastore)
            .WithCryptoPolicy(new BasicExpiringCryptoPolicy { RevokeCheckInterval = RevokeCheck })
            .WithStaticKeyManagementService(TestFactories.MasterKey)
            .WithTimeProvider(_time)
            .WithMeterFactory(_metrics)
            .Build();
        using var session = metered.GetSessionBytes("partition");
        var record = session.Encrypt(Payload);
        _time.Advance(RevokeCheck * 0.9);
        session.Decrypt(record);
        Assert.Equal(0, _metrics.Refreshes(CacheTierMetrics.IntermediateKey, "inline", "succeeded"));

        _time.Advance(RevokeCheck * 0.2);
        session.Decrypt(record);
        Assert.Equal(1, _metrics.Refreshes(CacheTierMetrics.IntermediateKey, "inline", "succeeded"));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void RefreshAheadFraction_OutOfRange_IsRefused(double fraction) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BasicExpiringCryptoPolicy { RefreshAheadFraction = fraction });

    [Fact]
    public void MaxConcurrentKeyRefreshes_BelowOne_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BasicExpiringCryptoPolicy { MaxConcurrentKeyRefreshes = 0 });

    [Fact]
    public void NeverExpiredPolicy_HasNothingToReCheck()
    {
        using var factory = TestFactories.New(_metastore, new NeverExpiredCryptoPolicy { BackgroundKeyRefresh = true }, _time);
        Assert.Null(factory.Context.Refresher);
    }

    private static string CreatedOf(StoredKeyRecord record) => $"\"Created\":{record.Created.ToUnixTimeSeconds()}}}";

    private static async Task UntilIdleAsync(SessionFactory factory)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (factory.Context.Refresher!.Pending > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "background re-checks did not finish");
            await Task.Delay(5);
        }
    }

    private SessionFactory NewFactory(double fraction = 0.8, int maxConcurrent = 4) => NewBuilder(fraction, maxConcurrent).Build();

    private SessionFactoryBuilder NewBuilder(double fraction, int maxConcurrent) =>
        SessionFactory.NewBuilder("product", "service")
            .WithMetastore(_metastore)
            .WithCryptoPolicy(new BasicExpiringCryptoPolicy
            {
                KeyExpiration = TimeSpan.FromDays(90),
                RevokeCheckInterval = RevokeCheck,
                BackgroundKeyRefresh = true,
                RefreshAheadFraction = fraction,
                MaxConcurrentKeyRefreshes = maxConcurrent,
            })
            .WithStaticKeyManagementService(TestFactories.MasterKey)
            .WithTimeProvider(_time)
            .WithLogger(_logger)
            .WithMeterFactory(_metrics);

    /// <summary>
    /// A metastore whose loads can be held (<see cref="Close"/> … <see cref="Open"/>, honouring cancellation) or made to
    /// fail, counting loads and how many run at once.
    /// </summary>
    private sealed class ControlledMetastore(IMetastore inner) : IMetastore
    {
        private TaskCompletionSource? _gate;
        private TaskCompletionSource _firstWaiter = NewSource();
        private int _loads;
        private int _inFlight;
        private int _maxInFlight;

        public string? KeySuffix => inner.KeySuffix;

        public volatile bool Failing;

        public int Loads => Volatile.Read(ref _loads);

        public int InFlight => Volatile.Read(ref _inFlight);

        public int MaxInFlight => Volatile.Read(ref _maxInFlight);

        /// <summary>Completes when a load waits at the closed gate.</summary>
        public Task Waiting => _firstWaiter.Task;

        public void Close()
        {
            _firstWaiter = NewSource();
            Volatile.Write(ref _gate, NewSource());
        }

        public void Open() => Interlocked.Exchange(ref _gate, null)?.TrySetResult();

        public async ValueTask<EnvelopeKeyRecord?> LoadAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default)
        {
            await EnterAsync(cancellationToken);
            try
            {
                return await inner.LoadAsync(keyId, created, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        public async ValueTask<EnvelopeKeyRecord?> LoadLatestAsync(string keyId, CancellationToken cancellationToken = default)
        {
            await EnterAsync(cancellationToken);
            try
            {
                return await inner.LoadLatestAsync(keyId, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        public ValueTask<bool> StoreAsync(string keyId, DateTimeOffset created, EnvelopeKeyRecord record, CancellationToken cancellationToken = default) =>
            inner.StoreAsync(keyId, created, record, cancellationToken);

        private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

        private async Task EnterAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _loads);
            int now = Interlocked.Increment(ref _inFlight);
            int max;
            while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
            {
            }

            try
            {
                if (Volatile.Read(ref _gate) is { } gate)
                {
                    _firstWaiter.TrySetResult();
                    await gate.Task.WaitAsync(cancellationToken);
                }

                if (Failing)
                {
                    throw new IOException("The metastore is unreachable.");
                }
            }
            catch
            {
                Interlocked.Decrement(ref _inFlight);
                throw;
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Asherah.SecureMemory;

namespace Asherah.Tests.Api;

/// <summary>Disposal under load, and user-supplied metastores and KMSs that hang, fail or return garbage.</summary>
public class HostileDependencyTests
{
    private static readonly byte[] Payload = "payload"u8.ToArray();

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task DisposingTheFactory_While16ThreadsEncryptAndDecrypt_ThrowsOnlyObjectDisposed_AndFreesEveryKey(bool cacheSessions, bool shared)
    {
        var memory = new SecureMemoryOptions { ChunkSize = 8 * 1024 * 1024 };
        var allocator = (SlabAllocator)SecureAllocators.Create(memory);
        long baseline = allocator.AllocatedBuffers;
        var factory = SessionFactory.NewBuilder("product", "service").WithInMemoryMetastore()
            .WithCryptoPolicy(new NeverExpiredCryptoPolicy { CacheSessions = cacheSessions, SharedIntermediateKeyCache = shared })
            .WithStaticKeyManagementService(TestFactories.MasterKey).WithSecureMemory(memory).Build();
        var errors = new ConcurrentBag<Exception>();
        using var started = new CountdownEvent(16);
        var threads = Enumerable.Range(0, 16).Select(i => Task.Factory.StartNew(async () =>
        {
            started.Signal();
            try
            {
                for (int n = 0; ; n++)
                {
                    using var session = factory.GetSessionBytes("p" + (n % 5));
                    var r = n % 2 == 0 ? session.Encrypt(Payload) : await session.EncryptAsync(Payload);
                    var back = n % 3 == 0 ? session.Decrypt(r) : await session.DecryptAsync(r);
                    Assert.Equal(Payload, back);
                }
            }
            catch (ObjectDisposedException)
            {
            }
            catch (Exception e)
            {
                errors.Add(e);
            }
        }, TaskCreationOptions.LongRunning).Unwrap()).ToArray();
        started.Wait();
        await Task.Delay(50);
        factory.Dispose();
        await Task.WhenAll(threads).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Empty(errors);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Equal(baseline, allocator.AllocatedBuffers);
    }

    [Fact]
    public async Task GetSessionOfOnePartition_From16Threads_DuringFactoryDispose_ThrowsOnlyObjectDisposed_AndFreesEveryKey()
    {
        var memory = new SecureMemoryOptions { ChunkSize = 16 * 1024 * 1024 };
        var allocator = (SlabAllocator)SecureAllocators.Create(memory);
        long baseline = allocator.AllocatedBuffers;
        for (int round = 0; round < 20; round++)
        {
            var factory = SessionFactory.NewBuilder("product", "service").WithInMemoryMetastore()
                .WithCryptoPolicy(new NeverExpiredCryptoPolicy { CacheSessions = true })
                .WithStaticKeyManagementService(TestFactories.MasterKey).WithSecureMemory(memory).Build();
            var errors = new ConcurrentBag<Exception>();
            var sessions = new ConcurrentBag<BytesSession>();
            using var go = new ManualResetEventSlim();
            var threads = Enumerable.Range(0, 16).Select(i => Task.Factory.StartNew(() =>
            {
                go.Wait();
                try
                {
                    for (int n = 0; n < 50; n++)
                    {
                        var s = factory.GetSessionBytes("same");
                        sessions.Add(s);
                        s.Encrypt(Payload);
                    }
                }
                catch (ObjectDisposedException)
                {
                }
                catch (Exception e)
                {
                    errors.Add(e);
                }
            }, TaskCreationOptions.LongRunning)).ToArray();
            go.Set();
            await Task.Yield();
            factory.Dispose();
            await Task.WhenAll(threads).WaitAsync(TimeSpan.FromSeconds(60));
            foreach (var s in sessions)
            {
                s.Dispose();
            }

            Assert.Empty(errors);
        }

        Assert.Equal(baseline, allocator.AllocatedBuffers);
    }

    [Fact]
    public async Task CancellingMidOperation_WithAMetastoreThatHangsAndIgnoresTheToken_EndsTheCall()
    {
        var store = new HangingMetastore();
        using var factory = TestFactories.New(store);
        using var session = factory.GetSessionBytes("p");
        using var cts = new CancellationTokenSource();
        var t = session.EncryptAsync(Payload, cts.Token).AsTask();
        await store.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => t.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void AMetastoreReturningGarbageOrFailing_SurfacesOnlyAsherahExceptions()
    {
        var good = new InMemoryMetastore();
        byte[] record;
        using (var f = TestFactories.New(good))
        using (var s = f.GetSessionBytes("p"))
        {
            record = s.Encrypt(Payload);
        }

        foreach (var mode in Enum.GetValues<Garbage>())
        {
            using var factory = TestFactories.New(new GarbageMetastore(good, mode));
            using var session = factory.GetSessionBytes("p");
            try
            {
                session.Decrypt(record);
            }
            catch (Exception e) when (e is AsherahException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"{mode} decrypt: {e}");
            }

            try
            {
                session.Encrypt(Payload);
            }
            catch (Exception e) when (e is AsherahException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"{mode} encrypt: {e}");
            }
        }
    }

    [Fact]
    public void AKmsReturningAShortOrDisposedKey_ThrowsKmsException()
    {
        var store = new InMemoryMetastore();
        using (var f = TestFactories.New(store))
        using (var s = f.GetSessionBytes("p"))
        {
            s.Encrypt(Payload);
        }

        foreach (bool dispose in new[] { false, true })
        {
            using var factory = SessionFactory.NewBuilder("product", "service").WithMetastore(store).WithNeverExpiredCryptoPolicy()
                .WithKeyManagementService(new OddKms(dispose)).Build();
            using var session = factory.GetSessionBytes("p");
            Assert.Throws<KmsException>(() => session.Encrypt(Payload));
        }
    }

    [Fact]
    public void KeyMaterialAndAeadKey_RefuseBadArguments_AndUseAfterDispose()
    {
        Assert.Throws<ArgumentException>(() => KeyMaterial.Create([]));
        Assert.Throws<ArgumentException>(() => KeyMaterial.Create(new byte[257]));
        var m = KeyMaterial.Create(new byte[32]);
        m.Dispose();
        m.Dispose();
        Assert.Throws<ObjectDisposedException>(() => m.CopyTo(new byte[32]));
        Assert.Throws<ObjectDisposedException>(() => m.FixedTimeEquals(new byte[32]));
        _ = m.Length;
        Assert.ThrowsAny<ArgumentException>(() => AeadKey.Create(new byte[31]));
        Assert.Throws<ObjectDisposedException>(() => AeadKey.Create(m));
        Assert.ThrowsAny<ArgumentException>(() => AeadKey.GetSealedLength(-1));
        var k = AeadKey.Create(new byte[32]);
        Assert.ThrowsAny<ArgumentException>(() => k.Seal(Payload, new byte[3]));
        Assert.False(k.TryOpen(new byte[3], out _));
        Assert.False(k.TryOpen([], out _));
        k.Dispose();
        k.Dispose();
        Assert.Throws<ObjectDisposedException>(() => k.Seal(Payload));
        Assert.Throws<ObjectDisposedException>(() => k.TryOpen(new byte[100], out _));
        Assert.Throws<ArgumentNullException>(() => AeadKey.Create((KeyMaterial)null!));
        Assert.Throws<ArgumentNullException>(() => KeyMaterialAllocator.Create(null!));
    }

    [Fact]
    public void EmptyPayloadsSmallBuffersAndNonObjectJson_GetTypedAnswers()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes("p");
        Assert.Empty(session.Decrypt(session.Encrypt([])));
        Assert.ThrowsAny<ArgumentException>(() => session.GetMaxEncryptedLength(-1));
        Assert.ThrowsAny<ArgumentException>(() => session.GetMaxEncryptedLength(int.MaxValue));
        Assert.False(session.TryEncrypt(Payload, [], out int w));
        Assert.Equal(0, w);
        var rec = session.Encrypt(Payload);
        Assert.False(session.TryDecrypt(rec, [], out _));
        Assert.Throws<DecryptionFailedException>(() => session.Decrypt([]));
        Assert.Throws<DecryptionFailedException>(() => session.TryDecrypt([], new byte[10], out _));
        using var json = factory.GetSessionJson("p");
        Assert.ThrowsAny<ArgumentException>(() => json.Encrypt(new JsonObject { ["x"] = double.NaN }));
        Assert.Throws<DecryptionFailedException>(() => json.Decrypt(session.Encrypt("[1]"u8.ToArray())));
        Assert.Throws<DecryptionFailedException>(() => json.Decrypt(session.Encrypt("nope"u8.ToArray())));
    }

    [Fact]
    public void PolicyExtremes_BuildWorkingFactories_AndNaNIsRefused()
    {
        var policy = new BasicExpiringCryptoPolicy
        {
            KeyExpiration = TimeSpan.MaxValue,
            RevokeCheckInterval = TimeSpan.MaxValue,
            CacheSessions = true,
            SessionCacheExpiration = TimeSpan.MaxValue,
            BackgroundKeyRefresh = true,
            MaxConcurrentKeyRefreshes = int.MaxValue,
        };
        policy.MemoryPressure.Enabled = true;
        policy.MemoryPressure.CheckInterval = TimeSpan.MaxValue;
        policy.MemoryPressure.RecoveryDelay = TimeSpan.MaxValue;
        policy.MemoryPressure.MinimumCacheSize = int.MaxValue;
        using var factory = TestFactories.New(policy: policy);
        using var session = factory.GetSessionBytes("p");
        Assert.Equal(Payload, session.Decrypt(session.Encrypt(Payload)));

        var tiny = new BasicExpiringCryptoPolicy
        {
            KeyExpiration = TimeSpan.FromTicks(1),
            RevokeCheckInterval = TimeSpan.FromTicks(1),
            CacheSessions = true,
            SessionCacheExpiration = TimeSpan.FromTicks(1),
            BackgroundKeyRefresh = true,
            RefreshAheadFraction = double.Epsilon,
            SessionCacheMaxSize = 1,
            IntermediateKeyCacheMaxSize = 1,
            SystemKeyCacheMaxSize = 1,
        };
        using var f2 = TestFactories.New(policy: tiny);
        using var s2 = f2.GetSessionBytes("p");
        Assert.Equal(Payload, s2.Decrypt(s2.Encrypt(Payload)));
        Assert.Throws<ArgumentOutOfRangeException>(() => tiny.RefreshAheadFraction = double.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => tiny.MemoryPressure.MemoryLoadThreshold = double.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => tiny.MemoryPressure.LockedMemoryThreshold = double.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => tiny.RevokeCheckInterval = TimeSpan.MinValue);
        Assert.Throws<ArgumentOutOfRangeException>(() => tiny.SessionCacheEvictionPolicy = (CacheEvictionPolicy)(-1));
    }

    private enum Garbage
    {
        Throws,
        NullParent,
        ForeignParent,
        WrongCreated,
        EmptyKey,
        LongKey,
        FarFuture,
        FarPast,
        StoreFalseLoadNull,
        StoreThrows,
    }

    private sealed class GarbageMetastore(InMemoryMetastore inner, Garbage mode) : IMetastore
    {
        public string? KeySuffix => null;

        public async ValueTask<EnvelopeKeyRecord?> LoadAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default) =>
            Mangle(await inner.LoadAsync(keyId, created, cancellationToken));

        public async ValueTask<EnvelopeKeyRecord?> LoadLatestAsync(string keyId, CancellationToken cancellationToken = default) =>
            Mangle(await inner.LoadLatestAsync(keyId, cancellationToken));

        public ValueTask<bool> StoreAsync(string keyId, DateTimeOffset created, EnvelopeKeyRecord record, CancellationToken cancellationToken = default) => mode switch
        {
            Garbage.StoreFalseLoadNull => ValueTask.FromResult(false),
            Garbage.StoreThrows => throw new InvalidCastException("store"),
            _ => ValueTask.FromResult(true),
        };

        private EnvelopeKeyRecord? Mangle(EnvelopeKeyRecord? r) => r is null ? null : mode switch
        {
            Garbage.Throws => throw new FormatException("bad"),
            Garbage.NullParent => new EnvelopeKeyRecord(r.Created, r.EncryptedKey, null, r.Revoked),
            Garbage.ForeignParent => new EnvelopeKeyRecord(r.Created, r.EncryptedKey, new KeyMeta("_SK_other_x", r.Created), r.Revoked),
            Garbage.WrongCreated => new EnvelopeKeyRecord(r.Created.AddSeconds(7), r.EncryptedKey, r.ParentKeyMeta, r.Revoked),
            Garbage.EmptyKey => new EnvelopeKeyRecord(r.Created, ReadOnlyMemory<byte>.Empty, r.ParentKeyMeta, r.Revoked),
            Garbage.LongKey => new EnvelopeKeyRecord(r.Created, new byte[100_000], r.ParentKeyMeta, r.Revoked),
            Garbage.FarFuture => new EnvelopeKeyRecord(DateTimeOffset.MaxValue, r.EncryptedKey, r.ParentKeyMeta, r.Revoked),
            Garbage.FarPast => new EnvelopeKeyRecord(DateTimeOffset.MinValue, r.EncryptedKey, r.ParentKeyMeta, r.Revoked),
            Garbage.StoreFalseLoadNull => null,
            _ => r,
        };
    }

    private sealed class HangingMetastore : IMetastore
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string? KeySuffix => null;

        public async ValueTask<EnvelopeKeyRecord?> LoadAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default)
        {
            Entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, CancellationToken.None); // ignores the token
            return null;
        }

        public ValueTask<EnvelopeKeyRecord?> LoadLatestAsync(string keyId, CancellationToken cancellationToken = default) => LoadAsync(keyId, default, cancellationToken);

        public ValueTask<bool> StoreAsync(string keyId, DateTimeOffset created, EnvelopeKeyRecord record, CancellationToken cancellationToken = default) => ValueTask.FromResult(true);
    }

    private sealed class OddKms(bool dispose) : IKeyManagementService
    {
        public ValueTask<byte[]> EncryptKeyAsync(KeyMaterial key, CancellationToken cancellationToken = default) => ValueTask.FromResult(new byte[60]);

        public ValueTask<KeyMaterial> DecryptKeyAsync(ReadOnlyMemory<byte> encryptedKey, KeyMaterialAllocator allocator, CancellationToken cancellationToken = default)
        {
            var m = allocator.Create(new byte[dispose ? 32 : 16]);
            if (dispose)
            {
                m.Dispose();
            }

            return ValueTask.FromResult(m);
        }
    }
}

using System.Text;
using System.Text.Json.Nodes;

namespace Asherah.Tests.Api;

/// <summary>Misuse of sessions and the builder: odd partition ids, cancelled tokens, use after dispose, a KMS returning null.</summary>
public class MisuseTests
{
    private static readonly byte[] Payload = "payload"u8.ToArray();

    [Theory]
    [InlineData("a_b")]
    [InlineData("a/b")]
    [InlineData("ü日本🙂")]
    [InlineData("\0\n\t x\u007f")]
    [InlineData("\"quote\\back")]
    public async Task PartitionIdsWithSeparatorsUnicodeOrControlCharacters_RoundTrip(string partition)
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes(partition);
        var record = session.Encrypt(Payload);
        Assert.Equal(Payload, session.Decrypt(record));
        Assert.Equal(Payload, await session.DecryptAsync(await session.EncryptAsync(Payload)));
        using var json = factory.GetSessionJson(partition);
        var o = new JsonObject { ["a"] = partition };
        Assert.Equal(partition, (string?)json.Decrypt(json.Encrypt(o))["a"]);
    }

    [Fact]
    public void AOneMegabytePartitionId_RoundTrips()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes(new string('p', 1 << 20));
        Assert.Equal(Payload, session.Decrypt(session.Encrypt(Payload)));
        Assert.True(session.TryEncrypt(Payload, new byte[session.GetMaxEncryptedLength(Payload.Length)], out _));
    }

    [Fact]
    public async Task AsyncCallsWithACancelledToken_AreCancelled_EvenWhenTheKeysAreCached()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes("p");
        var record = session.Encrypt(Payload);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.EncryptAsync(Payload, cts.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.DecryptAsync(record, cts.Token).AsTask());
    }

    [Fact]
    public async Task EncryptAsyncWithACancelledToken_IsCancelled_OnACacheMiss()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes("p");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.EncryptAsync(Payload, cts.Token).AsTask());
    }

    [Fact]
    public async Task Load_OnADisposedSession_ThrowsObjectDisposed_EvenWhenThePersistenceFindsNothing()
    {
        using var factory = TestFactories.New();
        var session = factory.GetSessionBytes("p");
        session.Dispose();
        var p = new AdhocPersistence<byte[]>(_ => null, (_, _) => { });
        Assert.Throws<ObjectDisposedException>(() => session.Load("k", p));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => session.LoadAsync("k", p).AsTask());
    }

    [Fact]
    public void Encrypt_WhenACustomKmsEncryptsToNull_ThrowsKmsException()
    {
        using var factory = SessionFactory.NewBuilder("p", "s").WithInMemoryMetastore().WithNeverExpiredCryptoPolicy()
            .WithKeyManagementService(new NullKms()).Build();
        using var session = factory.GetSessionBytes("p");
        Assert.Throws<KmsException>(() => session.Encrypt(Payload));
    }

    [Fact]
    public void Encrypt_WhenACustomKmsDecryptsToNull_ThrowsKmsException()
    {
        var store = new InMemoryMetastore();
        using (var f = TestFactories.New(store))
        using (var s = f.GetSessionBytes("p"))
        {
            s.Encrypt(Payload);
        }

        using var factory = SessionFactory.NewBuilder("product", "service").WithMetastore(store).WithNeverExpiredCryptoPolicy()
            .WithKeyManagementService(new NullKms()).Build();
        using var session = factory.GetSessionBytes("p");
        Assert.Throws<KmsException>(() => session.Encrypt(Payload));
    }

    [Fact]
    public void TinyLfuCachesOfIntMaxValue_DoNotAllocateTheirSketchUpFront()
    {
        var policy = new NeverExpiredCryptoPolicy
        {
            IntermediateKeyCacheEvictionPolicy = CacheEvictionPolicy.TinyLfu,
            IntermediateKeyCacheMaxSize = int.MaxValue,
            SystemKeyCacheEvictionPolicy = CacheEvictionPolicy.TinyLfu,
            SystemKeyCacheMaxSize = int.MaxValue,
            CacheSessions = true,
            SessionCacheEvictionPolicy = CacheEvictionPolicy.TinyLfu,
            SessionCacheMaxSize = int.MaxValue,
            SessionCacheExpiration = TimeSpan.MaxValue,
            RevokeCheckInterval = TimeSpan.MaxValue,
        };
        long before = GC.GetTotalAllocatedBytes();
        using var factory = TestFactories.New(policy: policy);
        using var session = factory.GetSessionBytes("p");
        Assert.Equal(Payload, session.Decrypt(session.Encrypt(Payload)));
        Assert.True(GC.GetTotalAllocatedBytes() - before < 64 << 20, $"{GC.GetTotalAllocatedBytes() - before}");
    }

    [Fact]
    public void WithAesGcmEngine_OfAnUndefinedValue_ThrowsArgumentException()
    {
        Assert.ThrowsAny<ArgumentException>(() => SessionFactory.NewBuilder("p", "s").WithAesGcmEngine((AesGcmEngineKind)99));
    }

    [Fact]
    public void KeyMeta_WithANullId_ThrowsArgumentNull()
    {
        Assert.ThrowsAny<ArgumentException>(() => new KeyMeta(null!, DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public async Task EveryAsyncSessionMethod_WithACancelledToken_IsCancelled()
    {
        using var factory = TestFactories.New();
        using var bytes = factory.GetSessionBytes("p");
        using var json = factory.GetSessionJson("p");
        var record = bytes.Encrypt(Payload);
        var jsonRecord = json.Encrypt(new JsonObject { ["a"] = 1 });
        var parsed = DataRowRecord.Parse(record);
        var persistence = new AdhocPersistence<byte[]>(_ => null, (_, _) => { });
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => json.EncryptAsync(new JsonObject(), cts.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => json.DecryptAsync(jsonRecord, cts.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => bytes.RewrapAsync(parsed, cts.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => bytes.LoadAsync("k", persistence, cts.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => bytes.StoreAsync(Payload, persistence, cts.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => bytes.StoreAsync("k", Payload, persistence, cts.Token).AsTask());
    }

    [Fact]
    public async Task EverySessionMethod_AfterDispose_ThrowsObjectDisposed()
    {
        using var factory = TestFactories.New();
        var bytes = factory.GetSessionBytes("p");
        var json = factory.GetSessionJson("p");
        var record = bytes.Encrypt(Payload);
        var parsed = DataRowRecord.Parse(record);
        var persistence = new AdhocPersistence<byte[]>(_ => record, (_, _) => { });
        bytes.Dispose();
        await bytes.DisposeAsync();
        json.Dispose();

        Assert.Throws<ObjectDisposedException>(() => bytes.GetMaxEncryptedLength(1));
        Assert.Throws<ObjectDisposedException>(() => bytes.Rewrap(parsed));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => bytes.RewrapAsync(parsed).AsTask());
        Assert.Throws<ObjectDisposedException>(() => bytes.Store(Payload, persistence));
        Assert.Throws<ObjectDisposedException>(() => bytes.Store("k", Payload, persistence));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => bytes.StoreAsync(Payload, persistence).AsTask());
        Assert.Throws<ObjectDisposedException>(() => bytes.Load("k", persistence));
        Assert.Throws<ObjectDisposedException>(() => json.Encrypt(new JsonObject()));
        Assert.Throws<ObjectDisposedException>(() => json.Decrypt(record));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => json.EncryptAsync(new JsonObject()).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => json.DecryptAsync(record).AsTask());
        Assert.Equal("p", bytes.PartitionId);
    }

    [Fact]
    public void NullIds_ThrowArgumentNull()
    {
        using var factory = TestFactories.New();
        Assert.Throws<ArgumentNullException>(() => factory.GetSessionBytes(null!));
        Assert.Throws<ArgumentNullException>(() => factory.GetSessionJson(null!));
        Assert.Throws<ArgumentNullException>(() => SessionFactory.NewBuilder(null!, "s"));
        Assert.Throws<ArgumentNullException>(() => SessionFactory.NewBuilder("p", null!));
    }

    private sealed class NullKms : IKeyManagementService
    {
        public ValueTask<byte[]> EncryptKeyAsync(KeyMaterial key, CancellationToken cancellationToken = default) => ValueTask.FromResult<byte[]>(null!);

        public ValueTask<KeyMaterial> DecryptKeyAsync(ReadOnlyMemory<byte> encryptedKey, KeyMaterialAllocator allocator, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<KeyMaterial>(null!);
    }
}

using System.Text;
using System.Text.Json.Nodes;

namespace Asherah.Tests.Api;

public class ProbeTests
{
    private static readonly byte[] Payload = "payload"u8.ToArray();

    [Theory]
    [InlineData("a_b")]
    [InlineData("a/b")]
    [InlineData("ü日本🙂")]
    [InlineData("\0\n\t x\u007f")]
    [InlineData("\"quote\\back")]
    public async Task OddPartitions_RoundTrip(string partition)
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
    public void MegabytePartition_RoundTrips()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes(new string('p', 1 << 20));
        Assert.Equal(Payload, session.Decrypt(session.Encrypt(Payload)));
        Assert.True(session.TryEncrypt(Payload, new byte[session.GetMaxEncryptedLength(Payload.Length)], out _));
    }

    [Fact]
    public async Task PreCancelled_WarmCache()
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
    public async Task PreCancelled_ColdCache()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes("p");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.EncryptAsync(Payload, cts.Token).AsTask());
    }

    [Fact]
    public async Task Load_OnDisposedSession()
    {
        using var factory = TestFactories.New();
        var session = factory.GetSessionBytes("p");
        session.Dispose();
        var p = new AdhocPersistence<byte[]>(_ => null, (_, _) => { });
        Assert.Throws<ObjectDisposedException>(() => session.Load("k", p));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => session.LoadAsync("k", p).AsTask());
    }

    [Fact]
    public void Kms_ReturningNull()
    {
        using var factory = SessionFactory.NewBuilder("p", "s").WithInMemoryMetastore().WithNeverExpiredCryptoPolicy()
            .WithKeyManagementService(new NullKms()).Build();
        using var session = factory.GetSessionBytes("p");
        Assert.Throws<KmsException>(() => session.Encrypt(Payload));
    }

    [Fact]
    public void Kms_DecryptReturningNull()
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
    public void TinyLfu_IntMax()
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
    public void Builder_BadEngine()
    {
        Assert.ThrowsAny<ArgumentException>(() => SessionFactory.NewBuilder("p", "s").WithAesGcmEngine((AesGcmEngineKind)99));
    }

    [Fact]
    public void KeyMeta_NullId()
    {
        Assert.ThrowsAny<ArgumentException>(() => new KeyMeta(null!, DateTimeOffset.UnixEpoch));
    }

    private sealed class NullKms : IKeyManagementService
    {
        public ValueTask<byte[]> EncryptKeyAsync(KeyMaterial key, CancellationToken cancellationToken = default) => ValueTask.FromResult<byte[]>(null!);

        public ValueTask<KeyMaterial> DecryptKeyAsync(ReadOnlyMemory<byte> encryptedKey, KeyMaterialAllocator allocator, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<KeyMaterial>(null!);
    }
}

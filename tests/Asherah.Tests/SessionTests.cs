using System.Text;
using System.Text.Json.Nodes;
using Asherah.KeyManagement;
using Asherah.Metastore;

namespace Asherah.Tests;

/// <summary>The session API: JSON payloads, persistence, async, spans and the session cache.</summary>
public class SessionTests
{
    private static readonly byte[] Payload = "payload"u8.ToArray();

    [Fact]
    public void JsonSession_RoundTrips_NestedValuesAndUnicode()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionJson("partition");
        var payload = new JsonObject
        {
            ["name"] = "Zoë 🛒 製品 \"quoted\" \\ </script>",
            ["age"] = 30,
            ["ratio"] = 1.5,
            ["active"] = true,
            ["none"] = null,
            ["tags"] = new JsonArray("a", "ü", 3),
            ["nested"] = new JsonObject { ["deeper"] = new JsonObject { ["x"] = -1 } },
        };

        var record = session.Encrypt(payload);
        var decrypted = session.Decrypt(record);

        Assert.True(JsonNode.DeepEquals(payload, decrypted), decrypted.ToJsonString());
    }

    [Fact]
    public void JsonSessionRecord_DecryptsInBytesSession_ToCompactUtf8Json()
    {
        using var factory = TestFactories.New();
        using var json = factory.GetSessionJson("partition");
        using var bytes = factory.GetSessionBytes("partition");
        var payload = new JsonObject { ["name"] = "Zoë", ["n"] = 1 };

        var text = Encoding.UTF8.GetString(bytes.Decrypt(json.Encrypt(payload)));

        Assert.Equal("{\"name\":\"Zoë\",\"n\":1}", text);
    }

    [Fact]
    public void StoreAndLoad_WithAdhocPersistence_RoundTrip()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes("partition");
        var store = new Dictionary<string, byte[]>();
        var persistence = new AdhocPersistence<byte[]>(key => store.GetValueOrDefault(key), (key, value) => store[key] = value);

        string generated = session.Store(Payload, persistence);
        session.Store("explicit", "other"u8.ToArray(), persistence);

        Assert.Equal(2, store.Count);
        Assert.Equal(Payload, session.Load(generated, persistence));
        Assert.Equal("other"u8.ToArray(), session.Load("explicit", persistence));
        Assert.Null(session.Load("missing", persistence));
    }

    [Fact]
    public async Task StoreAsyncAndLoadAsync_WithAdhocPersistence_RoundTrip()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionJson("partition");
        var store = new Dictionary<string, byte[]>();
        var persistence = new AdhocPersistence<byte[]>(key => store.GetValueOrDefault(key), (key, value) => store[key] = value);
        var payload = new JsonObject { ["x"] = 1 };

        string generated = await session.StoreAsync(payload, persistence);
        await session.StoreAsync("explicit", new JsonObject { ["y"] = 2 }, persistence);

        Assert.True(JsonNode.DeepEquals(payload, await session.LoadAsync(generated, persistence)));
        Assert.Equal(2, (int)(await session.LoadAsync("explicit", persistence))!["y"]!);
        Assert.Null(await session.LoadAsync("missing", persistence));
    }

    [Fact]
    public async Task EncryptAsyncAndDecryptAsync_WithCancellationToken_RoundTrip()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes("partition");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var record = await session.EncryptAsync(Payload, cts.Token);

        Assert.Equal(Payload, await session.DecryptAsync(record, cts.Token));
        Assert.Equal(Payload, session.Decrypt(record));
    }

    [Fact]
    public async Task EncryptAsync_WithCanceledToken_OnColdCache_ThrowsOperationCanceled()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes("partition");
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.EncryptAsync(Payload, cts.Token).AsTask());
    }

    [Fact]
    public void TryEncrypt_IntoTooSmallBuffer_ReturnsFalse_AndIntoExactSize_Succeeds()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes("partition");
        int exact = session.Encrypt(Payload).Length; // warms the keys; the same second gives the same length

        Assert.False(session.TryEncrypt(Payload, new byte[exact - 1], out int none));
        Assert.Equal(0, none);

        var buffer = new byte[exact];
        Assert.True(session.TryEncrypt(Payload, buffer, out int written));
        Assert.Equal(exact, written);
        Assert.Equal(Payload, session.Decrypt(buffer));
        Assert.True(session.GetMaxEncryptedLength(Payload.Length) >= exact);
    }

    [Fact]
    public void TryDecrypt_IntoTooSmallBuffer_ReturnsFalse_AndIntoExactSize_Succeeds()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes("partition");
        var record = session.Encrypt(Payload);

        Assert.False(session.TryDecrypt(record, new byte[Payload.Length - 1], out int none));
        Assert.Equal(0, none);

        var buffer = new byte[Payload.Length];
        Assert.True(session.TryDecrypt(record, buffer, out int written));
        Assert.Equal(Payload.Length, written);
        Assert.Equal(Payload, buffer);
    }

    [Fact]
    public void CachedSessions_OfOnePartition_ShareIntermediateKeys()
    {
        var metastore = new InMemoryMetastore();
        using var factory = TestFactories.New(metastore, new NeverExpiredCryptoPolicy { CacheSessions = true });

        using var first = factory.GetSessionBytes("partition");
        var record = first.Encrypt(Payload);
        using var second = factory.GetSessionBytes("partition");

        Assert.Same(EnvelopeOf(first), EnvelopeOf(second));
        Assert.Equal(1, EnvelopeOf(second).IntermediateKeys.CachedCount);
        Assert.Equal(Payload, second.Decrypt(record));
    }

    [Fact]
    public void UncachedSessions_OfOnePartition_HaveTheirOwnIntermediateKeys()
    {
        using var factory = TestFactories.New();

        using var first = factory.GetSessionBytes("partition");
        first.Encrypt(Payload);
        using var second = factory.GetSessionBytes("partition");

        Assert.NotSame(EnvelopeOf(first), EnvelopeOf(second));
        Assert.Equal(0, EnvelopeOf(second).IntermediateKeys.CachedCount);
    }

    [Fact]
    public void CachedSessionInUse_IsNeverEvicted_EvenWithMaxSizeOne()
    {
        using var factory = TestFactories.New(policy: new NeverExpiredCryptoPolicy { CacheSessions = true, SessionCacheMaxSize = 1 });
        using var held = factory.GetSessionBytes("held");
        var record = held.Encrypt(Payload);
        var envelope = EnvelopeOf(held);

        for (int i = 0; i < 50; i++)
        {
            using var other = factory.GetSessionBytes($"other-{i}");
            other.Encrypt(Payload);
        }

        Assert.False(envelope.IsDisposed);
        Assert.Equal(Payload, held.Decrypt(record));
        Assert.Equal(Payload, held.Decrypt(held.Encrypt(Payload)));
        using var again = factory.GetSessionBytes("held");
        Assert.Same(envelope, EnvelopeOf(again));
    }

    [Fact]
    public void CachedSessionNotInUse_IsEvicted_WhenTheCacheIsFull()
    {
        using var factory = TestFactories.New(policy: new NeverExpiredCryptoPolicy { CacheSessions = true, SessionCacheMaxSize = 1 });
        Asherah.Envelope.EnvelopeEncryption first;
        using (var session = factory.GetSessionBytes("first"))
        {
            session.Encrypt(Payload);
            first = EnvelopeOf(session);
        }

        for (int i = 0; i < 3; i++)
        {
            using var other = factory.GetSessionBytes($"other-{i}");
        }

        Assert.True(first.IsDisposed);
    }

    private static Asherah.Envelope.EnvelopeEncryption EnvelopeOf<TPayload>(Session<TPayload, byte[]> session)
        where TPayload : class => session.EnvelopeForTests;
}

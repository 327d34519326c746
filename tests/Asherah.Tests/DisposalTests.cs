using Asherah.Envelope;
using Asherah.KeyManagement;
using Asherah.Keys;

namespace Asherah.Tests;

/// <summary>Disposed sessions and factories refuse work, and disposing wipes the cached keys.</summary>
public class DisposalTests
{
    private static readonly byte[] Payload = "payload"u8.ToArray();

    [Fact]
    public void DisposedSession_ThrowsObjectDisposed()
    {
        using var factory = TestFactories.New();
        var session = factory.GetSessionBytes("partition");
        var record = session.Encrypt(Payload);
        session.Dispose();

        Assert.Throws<ObjectDisposedException>(() => session.Encrypt(Payload));
        Assert.Throws<ObjectDisposedException>(() => session.Decrypt(record));
        Assert.Throws<ObjectDisposedException>(() => session.TryEncrypt(Payload, new byte[4096], out _));
        Assert.Throws<ObjectDisposedException>(() => session.TryDecrypt(record, new byte[4096], out _));
        session.Dispose(); // idempotent
    }

    [Fact]
    public async Task SessionOfDisposedFactory_ThrowsObjectDisposed()
    {
        var factory = TestFactories.New();
        using var bytes = factory.GetSessionBytes("partition");
        using var json = factory.GetSessionJson("partition");
        var record = bytes.Encrypt(Payload);
        factory.Dispose();

        Assert.Throws<ObjectDisposedException>(() => bytes.Encrypt(Payload));
        Assert.Throws<ObjectDisposedException>(() => bytes.Decrypt(record));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => bytes.EncryptAsync(Payload).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => bytes.DecryptAsync(record).AsTask());
        Assert.Throws<ObjectDisposedException>(() => json.Encrypt(new System.Text.Json.Nodes.JsonObject()));
    }

    [Fact]
    public void GetSession_OnDisposedFactory_ThrowsObjectDisposed()
    {
        var factory = TestFactories.New();
        factory.Dispose();

        Assert.Throws<ObjectDisposedException>(() => factory.GetSessionBytes("partition"));
        Assert.Throws<ObjectDisposedException>(() => factory.GetSessionJson("partition"));
        factory.Dispose(); // idempotent
    }

    [Fact]
    public void DisposingTheSession_FreesItsIntermediateKeys()
    {
        using var factory = TestFactories.New();
        var session = factory.GetSessionBytes("partition");
        session.Encrypt(Payload);
        var keys = CachedKeys(EnvelopeOf(session).IntermediateKeys);
        Assert.Single(keys);
        Assert.False(keys[0].IsFreed);

        session.Dispose();

        Assert.True(keys[0].IsFreed);
    }

    [Fact]
    public void DisposingTheFactory_FreesItsSystemKeys()
    {
        var factory = TestFactories.New();
        using (var session = factory.GetSessionBytes("partition"))
        {
            session.Encrypt(Payload);
        }

        var keys = CachedKeys(factory.SystemKeys);
        Assert.Single(keys);
        Assert.False(keys[0].IsFreed);

        factory.Dispose();

        Assert.True(keys[0].IsFreed);
    }

    [Fact]
    public void DisposingTheFactory_FreesTheIntermediateKeysOfCachedSessions()
    {
        var factory = TestFactories.New(policy: new NeverExpiredCryptoPolicy { CacheSessions = true });
        var session = factory.GetSessionBytes("partition");
        session.Encrypt(Payload);
        var keys = CachedKeys(EnvelopeOf(session).IntermediateKeys);
        Assert.Single(keys);

        factory.Dispose();

        Assert.True(keys[0].IsFreed);
        session.Dispose();
    }

    [Fact]
    public void DisposingTheFactory_FreesTheIntermediateKeysOfSessionsStillOpen()
    {
        // The factory's contract: "Disposing it wipes every cached key".
        var factory = TestFactories.New();
        var session = factory.GetSessionBytes("partition");
        session.Encrypt(Payload);
        var keys = CachedKeys(EnvelopeOf(session).IntermediateKeys);
        Assert.Single(keys);

        factory.Dispose();

        Assert.True(keys[0].IsFreed);
        session.Dispose();
    }

    [Fact]
    public unsafe void FreedKeyMemory_IsWipedBeforeItIsReleased()
    {
        // Free() zeroes the bytes, then hands them back; read them between the two through a buffer whose release is a no-op.
        var buffer = new InspectableBuffer(64);
        buffer.Span.Fill(0xA5);

        buffer.Free();

        Assert.True(buffer.IsFreed);
        Assert.True(buffer.WipedBeforeRelease);
    }

    private static List<CryptoKey> CachedKeys(KeyRing ring) => [.. ring.CachedKeys];

    private static EnvelopeEncryption EnvelopeOf(BytesSession session) => session.EnvelopeForTests;

    private sealed unsafe class InspectableBuffer : Asherah.SecureMemory.SecureBuffer
    {
        public InspectableBuffer(int length)
            : base((byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)length), length)
        {
        }

        public bool WipedBeforeRelease { get; private set; }

        protected override void FreeCore()
        {
            WipedBeforeRelease = !Span.ContainsAnyExcept((byte)0);
            System.Runtime.InteropServices.NativeMemory.Free(Pointer);
        }
    }
}

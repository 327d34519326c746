using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Asherah.Tests.Envelope;

/// <summary><see cref="Session{TPayload, TDataRowRecord}.Rewrap"/> and <c>RewrapAsync</c>: the library call behind <c>asherah rewrap</c>.</summary>
public sealed class RewrapTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_040);

    private static (SessionFactory Factory, FakeTimeProvider Time, InMemoryMetastore Metastore) New(CryptoPolicy? policy = null)
    {
        var time = new FakeTimeProvider(Start);
        var metastore = new InMemoryMetastore();
        return (TestFactories.New(metastore, policy, time), time, metastore);
    }

    [Fact]
    public async Task RewrapAsync_AfterRevocation_MovesTheKeyToTheNewIntermediateKey_AndKeepsDataByteIdentical()
    {
        var (factory, time, metastore) = New(new NeverExpiredCryptoPolicy { RevokeCheckInterval = TimeSpan.FromSeconds(1) });
        using var _ = factory;
        using var session = factory.GetSessionBytes("u1");
        var record = DataRowRecord.Parse(await session.EncryptAsync("secret"u8.ToArray()));
        Assert.True(await metastore.RevokeAsync(session.IntermediateKeyId, record.IntermediateKey.Created));
        time.Advance(TimeSpan.FromMinutes(2));

        var rewrapped = await session.RewrapAsync(record);

        Assert.NotSame(record, rewrapped);
        Assert.True(rewrapped.Data.Span.SequenceEqual(record.Data.Span));
        Assert.Equal(record.Key.Created, rewrapped.Key.Created);
        Assert.Equal(session.IntermediateKeyId, rewrapped.IntermediateKey.KeyId);
        Assert.Equal(Start.AddMinutes(2), rewrapped.IntermediateKey.Created);
        Assert.False(rewrapped.Key.EncryptedKey.Span.SequenceEqual(record.Key.EncryptedKey.Span));
        Assert.Equal("secret", Encoding.UTF8.GetString(await session.DecryptAsync(rewrapped.ToUtf8Json())));
        using var fresh = TestFactories.New(metastore, time: time);
        using var other = fresh.GetSessionBytes("u1");
        Assert.Equal("secret", Encoding.UTF8.GetString(other.Decrypt(rewrapped.ToUtf8Json())));
    }

    [Fact]
    public void Rewrap_AfterExpiry_CreatesTheNewKeyAsAnEncryptWould()
    {
        var (factory, time, _) = New(new BasicExpiringCryptoPolicy { KeyExpiration = TimeSpan.FromDays(1) });
        using var _ = factory;
        using var session = factory.GetSessionBytes("u1");
        var record = DataRowRecord.Parse(session.Encrypt("x"u8.ToArray()));
        time.Advance(TimeSpan.FromDays(2));

        var rewrapped = session.Rewrap(record);
        var next = DataRowRecord.Parse(session.Encrypt("y"u8.ToArray()));

        Assert.Equal(Start.AddDays(2), rewrapped.IntermediateKey.Created);
        Assert.Equal(next.IntermediateKey, rewrapped.IntermediateKey);
        Assert.Equal("x", Encoding.UTF8.GetString(session.Decrypt(rewrapped.ToUtf8Json())));
    }

    [Fact]
    public void Rewrap_OfARecordAlreadyUnderTheCurrentKey_ReturnsTheSameInstance()
    {
        var (factory, _, _) = New();
        using var _ = factory;
        using var session = factory.GetSessionBytes("u1");
        var record = DataRowRecord.Parse(session.Encrypt("x"u8.ToArray()));

        Assert.Same(record, session.Rewrap(record));
    }

    [Fact]
    public void Rewrap_OfAnotherPartitionsRecord_ThrowsMetadataMissing()
    {
        var (factory, _, _) = New();
        using var _ = factory;
        using var u1 = factory.GetSessionBytes("u1");
        using var u2 = factory.GetSessionBytes("u2");
        var record = DataRowRecord.Parse(u1.Encrypt("x"u8.ToArray()));

        Assert.Throws<MetadataMissingException>(() => u2.Rewrap(record));
    }

    [Fact]
    public async Task Rewrap_OfATamperedWrappedKey_ThrowsDecryptionFailed()
    {
        var (factory, time, metastore) = New(new NeverExpiredCryptoPolicy { RevokeCheckInterval = TimeSpan.FromSeconds(1) });
        using var _ = factory;
        using var session = factory.GetSessionBytes("u1");
        var record = DataRowRecord.Parse(session.Encrypt("x"u8.ToArray()));
        await metastore.RevokeAsync(session.IntermediateKeyId, record.IntermediateKey.Created);
        time.Advance(TimeSpan.FromMinutes(2));
        var key = record.Key.EncryptedKey.ToArray();
        key[^1] ^= 0x80;
        var tampered = new DataRowRecord(new EnvelopeKeyRecord(record.Key.Created, key, record.IntermediateKey, null), record.Data);

        await Assert.ThrowsAsync<DecryptionFailedException>(() => session.RewrapAsync(tampered).AsTask());
    }

    [Fact]
    public void Rewrap_OfAMissingIntermediateKey_ThrowsMetadataMissing()
    {
        var (factory, _, _) = New();
        using var _ = factory;
        using var session = factory.GetSessionBytes("u1");
        var record = DataRowRecord.Parse(session.Encrypt("x"u8.ToArray()));
        var ghost = new DataRowRecord(
            new EnvelopeKeyRecord(record.Key.Created, record.Key.EncryptedKey, new KeyMeta(session.IntermediateKeyId, Start.AddDays(-1)), null),
            record.Data);

        Assert.Throws<MetadataMissingException>(() => session.Rewrap(ghost));
        Assert.Throws<ArgumentNullException>(() => session.Rewrap(null!));
    }

    [Fact]
    public void IntermediateKeyId_IsTheIdRecordsName()
    {
        var (factory, _, _) = New();
        using var _ = factory;
        using var session = factory.GetSessionJson("user-42");

        Assert.Equal("_IK_user-42_service_product", session.IntermediateKeyId);
    }
}

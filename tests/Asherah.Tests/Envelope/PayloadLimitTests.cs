using System.Runtime.InteropServices;

namespace Asherah.Tests.Envelope;

/// <summary>Payloads up to <see cref="BytesSession.MaxPayloadLength"/> have a record length; longer ones are refused with a typed error.</summary>
public class PayloadLimitTests
{
    [Fact]
    public void GetMaxEncryptedLength_AtTheLimit_IsPositiveAndHoldsTheBase64Payload()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes("partition");

        int length = session.GetMaxEncryptedLength(BytesSession.MaxPayloadLength);

        Assert.True(length > (long)BytesSession.MaxPayloadLength / 3 * 4);
        Assert.True(length <= Array.MaxLength);
    }

    [Theory]
    [InlineData(BytesSession.MaxPayloadLength + 1)]
    [InlineData(1_610_612_700)]
    [InlineData(int.MaxValue)]
    public void GetMaxEncryptedLength_BeyondTheLimit_ThrowsArgumentOutOfRange(int payloadLength)
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes("partition");

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => session.GetMaxEncryptedLength(payloadLength));
        Assert.Contains(BytesSession.MaxPayloadLength.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Encrypt_OfAPayloadBeyondTheLimit_ThrowsArgumentOutOfRange_BeforeLoadingAKey()
    {
        var metastore = new InMemoryMetastore();
        using var factory = TestFactories.New(metastore);
        using var session = factory.GetSessionBytes("partition");
        var envelope = session.EnvelopeForTests;

        // A span that claims 1.5 GiB over one byte: the length check must refuse it before anything reads it.
        Assert.Throws<ArgumentOutOfRangeException>(() => envelope.Encrypt(Oversized()));
        Assert.Throws<ArgumentOutOfRangeException>(() => session.TryEncrypt(Oversized(), new byte[16], out _));

        Assert.Empty(await metastore.ListAllAsync());
    }

    private static ReadOnlySpan<byte> Oversized()
    {
        var one = new byte[1];
        return MemoryMarshal.CreateReadOnlySpan(ref one[0], 1_610_612_700);
    }
}

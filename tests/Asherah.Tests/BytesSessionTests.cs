namespace Asherah.Tests;

public class BytesSessionTests
{
    private static SessionFactory NewFactory() => SessionFactory.NewBuilder("product", "service")
        .WithInMemoryMetastore().WithNeverExpiredCryptoPolicy()
        .WithStaticKeyManagementService("thisIsAStaticMasterKeyForTesting").Build();

    [Fact]
    public async Task NullByteArrays_ThroughTheConcreteType_ThrowArgumentNullException()
    {
        using var factory = NewFactory();
        using var session = factory.GetSessionBytes("p");

        Assert.Throws<ArgumentNullException>(() => session.Encrypt((byte[])null!));
        Assert.Throws<ArgumentNullException>(() => session.Decrypt((byte[])null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await session.EncryptAsync((byte[])null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await session.DecryptAsync((byte[])null!));
    }

    [Fact]
    public async Task SpanAndArrayApis_ProduceRecordsEachOtherDecrypts()
    {
        using var factory = NewFactory();
        using var session = factory.GetSessionBytes("p");
        byte[] payload = [1, 2, 3, 4, 5];

        var buffer = new byte[session.GetMaxEncryptedLength(payload.Length)];
        Assert.True(session.TryEncrypt(payload, buffer, out int written));
        var fromSpan = buffer[..written];
        var fromArray = await session.EncryptAsync(payload);

        Assert.Equal(payload, session.Decrypt(fromSpan));
        var plaintext = new byte[fromArray.Length];
        Assert.True(session.TryDecrypt(fromArray, plaintext, out int read));
        Assert.Equal(payload, plaintext[..read]);
        Assert.Equal(payload, await session.DecryptAsync(fromSpan));
    }
}

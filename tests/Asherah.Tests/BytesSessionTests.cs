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
    public async Task SpanAndArrayOverloads_ProduceRecordsEachOtherDecrypts()
    {
        using var factory = NewFactory();
        using var session = factory.GetSessionBytes("p");
        byte[] payload = [1, 2, 3, 4, 5];

        var fromSpan = session.Encrypt(payload.AsSpan());
        var fromMemory = await session.EncryptAsync(payload.AsMemory());

        Assert.Equal(payload, session.Decrypt(fromSpan));
        Assert.Equal(payload, session.Decrypt(fromMemory.AsSpan()));
        Assert.Equal(payload, await session.DecryptAsync(fromSpan.AsMemory()));
    }
}

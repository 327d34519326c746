using System.Text;
using Asherah.Metastore;

namespace Asherah.Tests.Envelope;

public class RoundTripTests
{
    private const string MasterKey = "thisIsAStaticMasterKeyForTesting";

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(64)]
    [InlineData(1024)]
    [InlineData(1024 * 1024)]
    public void Decrypt_OfEncrypt_ReturnsPayload(int size)
    {
        using var factory = SessionFactory.NewBuilder("product", "service")
            .WithInMemoryMetastore()
            .WithNeverExpiredCryptoPolicy()
            .WithStaticKeyManagementService(MasterKey)
            .Build();
        using var session = factory.GetSessionBytes("partition");
        var payload = new byte[size];
        Random.Shared.NextBytes(payload);

        var drr = session.Encrypt(payload);
        var decrypted = session.Decrypt(drr);

        Assert.Equal(payload, decrypted);
        Assert.StartsWith("{\"Key\":{\"Created\":", Encoding.UTF8.GetString(drr));
    }
}

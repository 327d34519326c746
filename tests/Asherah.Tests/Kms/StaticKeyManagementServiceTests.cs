using System.Text;

namespace Asherah.Tests.Kms;

public class StaticKeyManagementServiceTests
{
    private const string MasterKey = "thisIsAStaticMasterKeyForTesting";

    // The SK record of the worked vector in the canonical reference (§3.9): SK = bytes 0x00..0x1f under MasterKey.
    private const string WorkedSystemKey = "JH6lJ7EbWrDHt70IhRlN/DtI4TZFxehRMyOn07MbQa5jUZZtxb9DJcPBwcg4c74gAQEBAQEBAQEBAQEB";

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("thisIsAStaticMasterKeyForTesting!")]
    [InlineData("thisIsAStaticMasterKeyForTestinä")] // 32 characters, 33 UTF-8 bytes
    public void Constructor_WithAKeyThatIsNot32Bytes_Throws(string key)
    {
        Assert.Throws<ArgumentException>(() => new StaticKeyManagementService(key));
        Assert.Throws<ArgumentException>(() => new StaticKeyManagementService(Encoding.UTF8.GetBytes(key)));
    }

    [Fact]
    public async Task StringAndBytes_AreTheSameMasterKey_AndReadTheCanonicalVector()
    {
        using var fromString = new StaticKeyManagementService(MasterKey);
        using var fromBytes = new StaticKeyManagementService(Encoding.UTF8.GetBytes(MasterKey));
        var expected = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

        using var a = await fromString.DecryptKeyAsync(Convert.FromBase64String(WorkedSystemKey), KeyMaterialAllocator.Default);
        using var b = await fromBytes.DecryptKeyAsync(Convert.FromBase64String(WorkedSystemKey), KeyMaterialAllocator.Default);

        Assert.True(a.FixedTimeEquals(expected));
        Assert.True(b.FixedTimeEquals(expected));
    }

    [Fact]
    public async Task EncryptKey_ThenDecryptKey_RoundTripsAndIs60Bytes()
    {
        using var kms = new StaticKeyManagementService(MasterKey);
        var raw = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
        using var key = KeyMaterial.Create(raw);

        var encrypted = await kms.EncryptKeyAsync(key);
        using var decrypted = await kms.DecryptKeyAsync(encrypted, KeyMaterialAllocator.Default);

        Assert.Equal(60, encrypted.Length);
        Assert.True(decrypted.FixedTimeEquals(raw));
    }

    [Fact]
    public async Task DecryptKey_UnderAnotherMasterKey_ThrowsKmsException()
    {
        using var kms = new StaticKeyManagementService("AnotherStaticMasterKeyForTest!!!");

        await Assert.ThrowsAsync<KmsException>(async () => await kms.DecryptKeyAsync(Convert.FromBase64String(WorkedSystemKey), KeyMaterialAllocator.Default));
        await Assert.ThrowsAsync<KmsException>(async () => await kms.DecryptKeyAsync(new byte[10], KeyMaterialAllocator.Default));
    }

    [Fact]
    public async Task Dispose_ThenUse_ThrowsObjectDisposed()
    {
        var kms = new StaticKeyManagementService(MasterKey);
        kms.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await kms.DecryptKeyAsync(Convert.FromBase64String(WorkedSystemKey), KeyMaterialAllocator.Default));
    }
}

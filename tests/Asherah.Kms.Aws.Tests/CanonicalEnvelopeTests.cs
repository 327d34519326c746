using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Asherah.Kms.Aws.TestServer;
using static Asherah.Kms.Aws.Tests.TestKms;

namespace Asherah.Kms.Aws.Tests;

/// <summary>Envelopes written by hand in canonical Asherah's shape, as canonical Go and C# write them, decrypt here.</summary>
public sealed class CanonicalEnvelopeTests
{
    /// <summary>
    /// Canonical's steps by hand: a data key; the SK sealed with it in Asherah's AEAD blob (ciphertext||tag||nonce);
    /// each region's KMS encryption of the data key (here the test server's key, as KMS Encrypt would); the JSON.
    /// </summary>
    private static (byte[] DataKey, byte[] EncryptedKey, (string Region, string Arn, byte[] Kek)[] Keks) Build(KmsTestServer server, byte[] systemKey, params string[] regions)
    {
        var dataKey = RandomNumberGenerator.GetBytes(32);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var sealedKey = new byte[32 + 16 + 12];
        using (var aes = new AesGcm(dataKey, 16))
        {
            aes.Encrypt(nonce, systemKey, sealedKey.AsSpan(0, 32), sealedKey.AsSpan(32, 16));
        }

        nonce.CopyTo(sealedKey, 48);
        var keks = regions.Select(r => (r, server.KeyArn(r), server.Key(r).Encrypt(dataKey))).ToArray();
        return (dataKey, sealedKey, keks);
    }

    [Fact]
    public async Task AnEnvelopeAsCanonicalGoWritesIt_Decrypts()
    {
        await using var server = await StartAsync();
        using var kms = new AwsKeyManagementService(Options(server));
        var systemKey = RandomNumberGenerator.GetBytes(32);
        var (_, encryptedKey, keks) = Build(server, systemKey, Europe, West, East);

        // Go: encoding/json of {EncryptedKey []byte `json:"encryptedKey"`; KMSKEKs []{Region, ARN, EncryptedKEK}}, regions in any order.
        var json = "{\"encryptedKey\":\"" + Convert.ToBase64String(encryptedKey) + "\",\"kmsKeks\":["
            + string.Join(",", keks.Select(k => $"{{\"region\":\"{k.Region}\",\"arn\":\"{k.Arn}\",\"encryptedKek\":\"{Convert.ToBase64String(k.Kek)}\"}}"))
            + "]}";

        using var decrypted = await kms.DecryptKeyAsync(Encoding.UTF8.GetBytes(json), KeyMaterialAllocator.Default);

        Assert.True(decrypted.FixedTimeEquals(systemKey));
        Assert.Equal(1, server.Requests(West, "Decrypt"));
    }

    [Fact]
    public async Task AnEnvelopeAsCanonicalCSharpWritesIt_WithEscapedBase64AndUpperCaseRegion_Decrypts()
    {
        await using var server = await StartAsync();
        using var kms = new AwsKeyManagementService(Options(server));
        var systemKey = RandomNumberGenerator.GetBytes(32);
        var (_, encryptedKey, keks) = Build(server, systemKey, West, East);

        // Indented, with JSON escapes a serializer may write ('+' as \u002B, '/' as \/); region match is case-insensitive in canonical C#.
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.Default, Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteBase64String("encryptedKey", encryptedKey);
            writer.WriteStartArray("kmsKeks");
            foreach (var (region, arn, kek) in keks)
            {
                writer.WriteStartObject();
                writer.WriteString("region", region.ToUpperInvariant());
                writer.WriteString("arn", arn);
                writer.WriteBase64String("encryptedKek", kek);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        var json = Encoding.UTF8.GetString(buffer.ToArray()).Replace("+", "\\u002B", StringComparison.Ordinal).Replace("/", "\\/", StringComparison.Ordinal);
        Assert.Contains("\\/", json, StringComparison.Ordinal);

        using var decrypted = await kms.DecryptKeyAsync(Encoding.UTF8.GetBytes(json), KeyMaterialAllocator.Default);

        Assert.True(decrypted.FixedTimeEquals(systemKey));
    }

    [Fact]
    public async Task AnEnvelopeWithoutThePreferredRegion_DecryptsInTheNextWithoutCallingThePreferred()
    {
        await using var server = await StartAsync();
        using var kms = new AwsKeyManagementService(Options(server));
        var systemKey = RandomNumberGenerator.GetBytes(32);
        var (_, encryptedKey, keks) = Build(server, systemKey, Europe);
        var json = $"{{\"encryptedKey\":\"{Convert.ToBase64String(encryptedKey)}\",\"kmsKeks\":[{{\"region\":\"{Europe}\",\"arn\":\"{keks[0].Arn}\",\"encryptedKek\":\"{Convert.ToBase64String(keks[0].Kek)}\"}}]}}";

        using var decrypted = await kms.DecryptKeyAsync(Encoding.UTF8.GetBytes(json), KeyMaterialAllocator.Default);

        Assert.True(decrypted.FixedTimeEquals(systemKey));
        Assert.Equal([0, 0, 1], Regions.Select(r => server.Requests(r, "Decrypt")));
    }

    [Fact]
    public async Task AnEnvelopeOfOnlyUnconfiguredRegions_ThrowsNamingThem()
    {
        await using var server = await KmsTestServer.StartAsync(West, East, "ap-south-1");
        using var kms = new AwsKeyManagementService(Options(server, null, West, East));
        var (_, encryptedKey, keks) = Build(server, RandomNumberGenerator.GetBytes(32), "ap-south-1");
        var json = $"{{\"encryptedKey\":\"{Convert.ToBase64String(encryptedKey)}\",\"kmsKeks\":[{{\"region\":\"ap-south-1\",\"arn\":\"{keks[0].Arn}\",\"encryptedKek\":\"{Convert.ToBase64String(keks[0].Kek)}\"}}]}}";

        var e = await Assert.ThrowsAsync<KmsException>(async () => await kms.DecryptKeyAsync(Encoding.UTF8.GetBytes(json), KeyMaterialAllocator.Default));

        Assert.Contains("ap-south-1", e.Message, StringComparison.Ordinal);
        Assert.False(e.IsTransient);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"kmsKeks\":[]}")]
    [InlineData("{\"encryptedKey\":\"AAAA\"}")]
    [InlineData("{\"encryptedKey\":\"AAAA\",\"kmsKeks\":[]}")]
    [InlineData("{\"encryptedKey\":\"@@@\",\"kmsKeks\":[{\"region\":\"us-west-2\",\"arn\":\"a\",\"encryptedKek\":\"AAAA\"}]}")]
    [InlineData("{\"encryptedKey\":\"AAAA\",\"kmsKeks\":[{\"arn\":\"a\",\"encryptedKek\":\"AAAA\"}]}")]
    [InlineData("{\"encryptedKey\":1,\"kmsKeks\":[{\"region\":\"us-west-2\",\"arn\":\"a\",\"encryptedKek\":\"AAAA\"}]}")]
    [InlineData("{\"EncryptedKey\":\"AAAA\",\"KmsKeks\":[{\"region\":\"us-west-2\",\"arn\":\"a\",\"encryptedKek\":\"AAAA\"}]}")]
    public async Task AMalformedEnvelope_ThrowsAPermanentKmsException_WithoutCallingKms(string json)
    {
        await using var server = await StartAsync();
        using var kms = new AwsKeyManagementService(Options(server));

        var e = await Assert.ThrowsAsync<KmsException>(async () => await kms.DecryptKeyAsync(Encoding.UTF8.GetBytes(json), KeyMaterialAllocator.Default));

        Assert.False(e.IsTransient);
        Assert.Contains("canonical shape", e.Message, StringComparison.Ordinal);
        Assert.All(Regions, r => Assert.Equal(0, server.Requests(r, "Decrypt")));
    }
}

using System.Text;

namespace Asherah.Tests.Envelope;

public class DataRowRecordTests
{
    [Fact]
    public void Parse_OfARecordWeWrote_GivesItsPartsAndWritesTheSameBytesBack()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes("user-1");
        var json = session.Encrypt("secret"u8.ToArray());

        var record = DataRowRecord.Parse(json);

        Assert.Equal("_IK_user-1_service_product", record.IntermediateKey.KeyId);
        Assert.Equal(60, record.Key.EncryptedKey.Length);
        Assert.Equal(6 + 28, record.Data.Length);
        Assert.Equal(json, record.ToUtf8Json());
        Assert.Equal(json.Length, record.GetJsonLength());
    }

    [Fact]
    public void ARecordRebuiltFromItsParts_Decrypts()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes("user-1");
        var parsed = DataRowRecord.Parse(session.Encrypt([1, 2, 3]));

        // As a protobuf mapping would: copy every part into a new record.
        var key = new EnvelopeKeyRecord(parsed.Key.Created, parsed.Key.EncryptedKey.ToArray(), new KeyMeta(parsed.IntermediateKey.KeyId, parsed.IntermediateKey.Created), null);
        var rebuilt = new DataRowRecord(key, parsed.Data.ToArray());

        Assert.Equal([1, 2, 3], session.Decrypt(rebuilt.ToUtf8Json()));
    }

    [Fact]
    public void Parse_AcceptsAnyFieldOrderWhitespaceAndEscapes_AndWritesTheCompactLayout()
    {
        const string compact = "{\"Key\":{\"Created\":1700000040,\"Key\":\"AAAA\",\"ParentKeyMeta\":{\"KeyId\":\"_IK_\u00e9_s_p\",\"Created\":1700000000}},\"Data\":\"AQID\"}";
        const string loose = "{ \"Data\" : \"AQID\", \"Extra\": [1], \"Key\" : { \"ParentKeyMeta\": { \"Created\": 1700000000, \"KeyId\": \"_IK_\\u00e9_s_p\" }, \"Key\": \"AAAA\", \"Created\": 1700000040 } }";

        var record = DataRowRecord.Parse(Encoding.UTF8.GetBytes(loose));

        Assert.Equal("_IK_\u00e9_s_p", record.IntermediateKey.KeyId);
        Assert.Equal(new byte[] { 1, 2, 3 }, record.Data.ToArray());
        Assert.Equal(compact, Encoding.UTF8.GetString(record.ToUtf8Json()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("{\"Key\":{\"Created\":1,\"Key\":\"AAAA\"},\"Data\":\"AQID\"}")] // no ParentKeyMeta
    [InlineData("{\"Key\":{\"Created\":1,\"Key\":\"AAAAA\",\"ParentKeyMeta\":{\"KeyId\":\"k\",\"Created\":1}},\"Data\":\"AQID\"}")] // bad base64
    [InlineData("{\"Key\":{\"Created\":1,\"Key\":\"AAAA\",\"ParentKeyMeta\":{\"KeyId\":\"k\",\"Created\":1}},\"Data\":\"AQI*\"}")]
    [InlineData("{\"Key\":{\"Created\":\"1\",\"Key\":\"AAAA\",\"ParentKeyMeta\":{\"KeyId\":\"k\",\"Created\":1}},\"Data\":\"AQID\"}")]
    [InlineData("{\"Key\":{\"Created\":1,\"Key\":\"AAAA\",\"ParentKeyMeta\":{\"KeyId\":\"k\",\"Created\":1.5}},\"Data\":\"AQID\"}")]
    [InlineData("{\"Key\":{\"Created\":99999999999999999,\"Key\":\"AAAA\",\"ParentKeyMeta\":{\"KeyId\":\"k\",\"Created\":1}},\"Data\":\"AQID\"}")]
    public void Parse_OfAMalformedRecord_ThrowsFormatException_AndTryParseSaysFalse(string json)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);
        Assert.Throws<FormatException>(() => DataRowRecord.Parse(utf8));
        Assert.False(DataRowRecord.TryParse(utf8, out _));
    }

    [Fact]
    public void TryWriteUtf8Json_IntoATooSmallBuffer_ReturnsFalse()
    {
        var record = DataRowRecord.Parse("{\"Key\":{\"Created\":1,\"Key\":\"AAAA\",\"ParentKeyMeta\":{\"KeyId\":\"k\",\"Created\":1}},\"Data\":\"AQID\"}"u8);
        Assert.False(record.TryWriteUtf8Json(new byte[record.GetJsonLength() - 1], out int written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void Constructor_WithAKeyWithoutParent_Throws()
    {
        var key = new EnvelopeKeyRecord(DateTimeOffset.UnixEpoch, new byte[60], null, null);
        Assert.Throws<ArgumentException>(() => new DataRowRecord(key, new byte[28]));
    }
}

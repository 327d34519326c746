using System.Text;

namespace Asherah.Tests.Metastore;

/// <summary>
/// Key records in the encodings canonical Asherah writes or its readers accept (Go omits <c>Revoked</c>, Java orders
/// members by hash, other JSON libraries escape <c>/</c> and <c>+</c> or write times as <c>1.7E9</c>) parse to the
/// same record; what no canonical reader accepts is a <see cref="FormatException"/>.
/// </summary>
public class ForeignKeyRecordTests
{
    private const string KeyB64 = "q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4mrze8B";
    private static readonly byte[] KeyBytes = Convert.FromBase64String(KeyB64);

    [Theory]
    [InlineData("{\"Created\":1700000040,\"Key\":\"" + KeyB64 + "\",\"ParentKeyMeta\":{\"KeyId\":\"_SK_s_p\",\"Created\":1700000000},\"Revoked\":false}")]
    [InlineData("{\"Revoked\":false,\"ParentKeyMeta\":{\"Created\":1700000000,\"KeyId\":\"_SK_s_p\"},\"Key\":\"" + KeyB64 + "\",\"Created\":1700000040}")]
    [InlineData(" {\n  \"Created\" : 1.70000004E9,\n  \"Key\" : \"" + KeyB64 + "\",\n  \"ParentKeyMeta\" : {\"KeyId\":\"\\u005fSK_s_p\",\"Created\":1.7e+9}\n}\n")]
    [InlineData("{\"Created\":1700000040.0,\"Key\":\"" + KeyB64 + "\",\"ParentKeyMeta\":{\"KeyId\":\"_SK_s_p\",\"Created\":17000000000e-1},\"Revoked\":null}")]
    [InlineData("\uFEFF{\"Created\":1700000040,\"Key\":\"" + KeyB64 + "\",\"ParentKeyMeta\":{\"KeyId\":\"_SK_s_p\",\"Created\":1700000000},\"Extra\":[[[[[[[[[[[[1]]]]]]]]]]]]}")]
    public void Parse_OfACanonicallyAcceptedEncoding_ReadsTheSameRecord(string json)
    {
        var record = EnvelopeKeyRecord.Parse(Escape(json));

        Assert.Equal(1_700_000_040, record.Created.ToUnixTimeSeconds());
        Assert.Equal(KeyBytes, record.EncryptedKey.ToArray());
        Assert.Equal("_SK_s_p", record.ParentKeyMeta!.KeyId);
        Assert.Equal(1_700_000_000, record.ParentKeyMeta.Created.ToUnixTimeSeconds());
        Assert.False(record.IsRevoked);
    }

    [Theory]
    [InlineData("\\/")]      // PHP, Python's json with escape_forward_slashes
    [InlineData("\\u002F")]  // System.Text.Json's default encoder writes '+' as \u002B
    [InlineData("\r\n")]     // line-wrapped base64 (Go and C# decoders skip it)
    public void Parse_OfAKeyWithEscapesOrLineBreaks_DecodesTheSameBytes(string slash)
    {
        string key = KeyB64.Replace("/", slash.Replace("\r\n", "/\\r\\n"), StringComparison.Ordinal).Replace("+", "\\u002B", StringComparison.Ordinal);
        var record = EnvelopeKeyRecord.Parse("{\"Created\":1700000040,\"Key\":\"" + key + "\"}");

        Assert.Equal(KeyBytes, record.EncryptedKey.ToArray());
        Assert.Null(record.ParentKeyMeta);
        Assert.Null(record.Revoked);
    }

    [Fact]
    public void Parse_OfAnUnpaddedKey_DecodesTheSameBytes()
    {
        // Java's Base64 decoder accepts missing padding; a 32-byte key is 44 characters with one '='.
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        string unpadded = Convert.ToBase64String(key).TrimEnd('=');

        Assert.Equal(key, EnvelopeKeyRecord.Parse("{\"Created\":1700000040,\"Key\":\"" + unpadded + "\"}").EncryptedKey.ToArray());
    }

    [Theory]
    [InlineData("{\"Created\":1700000040,\"Key\":\"q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4mrze8-\"}")] // URL-safe
    [InlineData("{\"Created\":1700000040,\"Key\":\"AQI=AQI=\"}")]   // padding inside
    [InlineData("{\"Created\":1700000040,\"Key\":\"AQJ=\"}")]       // non-zero bits after the data
    [InlineData("{\"Created\":1700000040,\"Key\":\"AQIDB\"}")]      // one character over a group
    [InlineData("{\"Created\":1700000040.5,\"Key\":\"AQID\"}")]    // a fraction: Java truncates, C# rounds, Go refuses
    [InlineData("{\"Created\":\"1700000040\",\"Key\":\"AQID\"}")]  // a string: Go refuses
    [InlineData("{\"Created\":1700000040,\"Key\":\"AQID\",\"ParentKeyMeta\":{\"KeyId\":\"\\ud800\",\"Created\":1}}")] // lone surrogate
    [InlineData("{\"Created\":1700000040,\"Key\":\"AQID\"}{}")]    // trailing data
    [InlineData("{\"Created\":1700000040,\"Key\":\"AQID\",\"Revoked\":\"true\"}")]
    [InlineData("")]
    [InlineData("\uFEFF")]
    public void Parse_OfWhatCanonicalRefusesOrReadsDifferently_ThrowsFormatException(string json) =>
        Assert.Throws<FormatException>(() => EnvelopeKeyRecord.Parse(json));

    private static byte[] Escape(string json) => Encoding.UTF8.GetBytes(json);
}

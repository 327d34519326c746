namespace Asherah.Tests.Metastore;

/// <summary>The key record reader is as strict as the format: integer seconds, each member once.</summary>
public class KeyRecordJsonTests
{
    private const string Key = "\"Key\":\"AAAA\"";
    private const string Parent = "\"ParentKeyMeta\":{\"KeyId\":\"_SK_service_product\",\"Created\":1700000000}";

    [Fact]
    public void Parse_OfAWellFormedRecord_ReadsEveryMember()
    {
        var record = EnvelopeKeyRecord.Parse("{\"Created\":1700000040," + Key + "," + Parent + ",\"Revoked\":true}");

        Assert.Equal(1_700_000_040, record.Created.ToUnixTimeSeconds());
        Assert.Equal("_SK_service_product", record.ParentKeyMeta!.KeyId);
        Assert.Equal(1_700_000_000, record.ParentKeyMeta.Created.ToUnixTimeSeconds());
        Assert.True(record.IsRevoked);
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("1700000040.5")]
    [InlineData("1.7000000405e9")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("\"1700000040\"")]
    [InlineData("253402300800")]
    public void Parse_WithACreatedThatIsNotIntegerSeconds_ThrowsFormatException(string created)
    {
        Assert.Throws<FormatException>(() => EnvelopeKeyRecord.Parse("{\"Created\":" + created + "," + Key + "}"));
        Assert.Throws<FormatException>(() => EnvelopeKeyRecord.Parse(
            "{\"Created\":1700000040," + Key + ",\"ParentKeyMeta\":{\"KeyId\":\"k\",\"Created\":" + created + "}}"));
    }

    [Theory]
    [InlineData("{\"Created\":1700000040,\"Created\":1700000100," + Key + "}")]
    [InlineData("{\"Created\":1700000040," + Key + "," + Key + "}")]
    [InlineData("{\"Created\":1700000040," + Key + "," + Parent + "," + Parent + "}")]
    [InlineData("{\"Created\":1700000040," + Key + ",\"ParentKeyMeta\":null," + Parent + "}")]
    [InlineData("{\"Created\":1700000040," + Key + ",\"Revoked\":false,\"Revoked\":true}")]
    [InlineData("{\"Created\":1700000040," + Key + ",\"ParentKeyMeta\":{\"KeyId\":\"a\",\"KeyId\":\"b\",\"Created\":1}}")]
    [InlineData("{\"Created\":1700000040," + Key + ",\"ParentKeyMeta\":{\"KeyId\":\"a\",\"Created\":1,\"Created\":2}}")]
    public void Parse_WithADuplicateMember_ThrowsFormatException(string json)
    {
        Assert.Throws<FormatException>(() => EnvelopeKeyRecord.Parse(json));
    }
}

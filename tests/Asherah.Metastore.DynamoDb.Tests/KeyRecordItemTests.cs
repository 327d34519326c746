using Amazon.DynamoDBv2.Model;

namespace Asherah.Metastore.DynamoDb.Tests;

/// <summary>The item mapping both ways, without a server.</summary>
public sealed class KeyRecordItemTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_040);

    [Theory]
    [InlineData(null, null)]
    [InlineData("_SK_service_product", false)]
    [InlineData("_SK_service_product_us-west-2", true)]
    public void ToItem_ThenReadRecord_KeepsTheJsonByteForByte(string? parent, bool? revoked)
    {
        var record = new EnvelopeKeyRecord(T0, Enumerable.Range(0, 60).Select(i => (byte)i).ToArray(), parent is null ? null : new KeyMeta(parent, T0.AddDays(-1)), revoked);
        var item = KeyRecordItem.ToItem("_IK_p_service_product", T0, record);

        Assert.Equal(("_IK_p_service_product", T0), KeyRecordItem.ReadPrimaryKey(item));
        Assert.Equal(record.ToJson(), KeyRecordItem.ReadRecord("_IK_p_service_product", item).ToJson());
    }

    [Fact]
    public void NullAttributes_ReadAsAbsent()
    {
        // A writer that marshals nil pointers as NULL (rather than omitting them) must still be readable.
        var item = new Dictionary<string, AttributeValue>
        {
            ["KeyRecord"] = new()
            {
                M = new()
                {
                    ["Created"] = new() { N = "1700000040" },
                    ["Key"] = new() { S = "AAAA" },
                    ["ParentKeyMeta"] = new() { NULL = true },
                    ["Revoked"] = new() { NULL = true },
                },
            },
        };

        var record = KeyRecordItem.ReadRecord("_SK_service_product", item);
        Assert.Null(record.ParentKeyMeta);
        Assert.Null(record.Revoked);
        Assert.Equal(T0, record.Created);
    }

    [Fact]
    public void AnItemWithoutAnId_IsMalformed()
    {
        var e = Assert.Throws<MetastoreException>(() => KeyRecordItem.ReadPrimaryKey(new() { ["Id"] = new() { N = "1" }, ["Created"] = new() { N = "1" } }));
        Assert.Contains("Id is a number (N)", e.Message, StringComparison.Ordinal);
    }
}

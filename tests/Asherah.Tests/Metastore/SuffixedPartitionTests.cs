using Asherah.Envelope;
using Asherah.Metastore;

namespace Asherah.Tests.Metastore;

/// <summary>
/// With a region-suffixed metastore, a partition reads its own records written in any region, and never those of a
/// partition whose id merely shares a prefix.
/// </summary>
public class SuffixedPartitionTests
{
    private static readonly byte[] Payload = "payload"u8.ToArray();

    [Fact]
    public async Task RecordOfTheSamePartition_WrittenInAnotherRegion_Decrypts()
    {
        var east = new InMemoryMetastore("us-east-1");
        byte[] record;
        using (var writer = TestFactories.New(east))
        using (var session = writer.GetSessionBytes("user"))
        {
            record = session.Encrypt(Payload);
        }

        Assert.Contains("\"KeyId\":\"_IK_user_service_product_us-east-1\"", System.Text.Encoding.UTF8.GetString(record));
        var west = new InMemoryMetastore("us-west-2");
        await CopyAsync(east, west); // a global table replicates every region's keys

        using var reader = TestFactories.New(west);
        using var readerSession = reader.GetSessionBytes("user");
        Assert.Equal(Payload, readerSession.Decrypt(record));
    }

    [Fact]
    public void SuffixedFactory_WritesSuffixedKeyIds()
    {
        using var factory = TestFactories.New(new InMemoryMetastore("us-east-1"));
        using var session = factory.GetSessionBytes("user");

        var text = System.Text.Encoding.UTF8.GetString(session.Encrypt(Payload));

        Assert.Contains("\"KeyId\":\"_IK_user_service_product_us-east-1\"", text);
        Assert.Equal("_SK_service_product_us-east-1", factory.SystemKeyId);
    }

    [Theory]
    [InlineData("user", "user_1")]
    [InlineData("user_1", "user")]
    [InlineData("user", "user_1_2")]
    [InlineData("user", "user-1")]
    public async Task PartitionSharingAPrefix_CannotReadTheOthersRecords(string writerPartition, string readerPartition)
    {
        var metastore = new InMemoryMetastore("us-east-1");
        using var factory = TestFactories.New(metastore);
        using var writer = factory.GetSessionBytes(writerPartition);
        var record = writer.Encrypt(Payload);

        using var reader = factory.GetSessionBytes(readerPartition);
        Assert.Throws<MetadataMissingException>(() => reader.Decrypt(record));

        // Nor from another region's factory over the same keys.
        var west = new InMemoryMetastore("us-west-2");
        await CopyAsync(metastore, west);
        using var westFactory = TestFactories.New(west);
        using var westReader = westFactory.GetSessionBytes(readerPartition);
        Assert.Throws<MetadataMissingException>(() => westReader.Decrypt(record));
    }

    [Fact]
    public async Task RecordWrittenWithoutSuffix_DecryptsInASuffixedSession()
    {
        var metastore = new InMemoryMetastore();
        using var plain = TestFactories.New(metastore);
        using var writer = plain.GetSessionBytes("user");
        var record = writer.Encrypt(Payload);

        // Same records, now read through a metastore that reports a suffix.
        var suffixed = new InMemoryMetastore("us-east-1");
        await CopyAsync(metastore, suffixed);
        using var factory = TestFactories.New(suffixed);
        using var reader = factory.GetSessionBytes("user");

        Assert.Equal(Payload, reader.Decrypt(record));
    }

    private static async ValueTask CopyAsync(InMemoryMetastore from, InMemoryMetastore to)
    {
        foreach (StoredKeyRecord stored in await from.ListAllAsync())
        {
            Assert.True(await to.StoreAsync(stored.KeyId, stored.Created, EnvelopeKeyRecord.Parse(stored.Record.ToJson())));
        }
    }
}

using System.Text;
using Asherah.Envelope;
using Asherah.Metastore;

namespace Asherah.Compatibility.Tests.KnownAnswer;

/// <summary>The deterministic worked vector of shared/reference/canonical-asherah.md §3.9.</summary>
public class WorkedVectorTests
{
    private const string MasterKey = "thisIsAStaticMasterKeyForTesting";
    private const string SystemKeyRecord = """{"Created":1700000040,"Key":"JH6lJ7EbWrDHt70IhRlN/DtI4TZFxehRMyOn07MbQa5jUZZtxb9DJcPBwcg4c74gAQEBAQEBAQEBAQEB","Revoked":false}""";
    private const string IntermediateKeyRecord = """{"Created":1700000040,"Key":"uwk7mJ38F3zjrIjTH1T0PCzYnV+gYU7GemfrOEtWd/0Xn3yaT5V1aCoZ94es2Sl5AgICAgICAgICAgIC","ParentKeyMeta":{"KeyId":"_SK_service_product","Created":1700000040},"Revoked":false}""";
    private const string DataRowRecord = """{"Key":{"Created":1700000123,"Key":"dZMFFa2FcZve66Uv8XOlmJAA+J15xjSw1PsN54af6x3hK8F3WWb/EMtQ5JBP7s8QAwMDAwMDAwMDAwMD","ParentKeyMeta":{"KeyId":"_IK_partition_service_product","Created":1700000040}},"Data":"wyNEUDsCHEgZPZWEUeDaWlrjydiqj4kIcuX3YVSSYoyS70A/BAQEBAQEBAQEBAQE"}""";

    [Fact]
    public void WorkedVector_Decrypts_ToMySuperSecretPayload()
    {
        using var factory = NewFactory(out _);
        using var session = factory.GetSessionBytes("partition");

        var payload = session.Decrypt(Encoding.UTF8.GetBytes(DataRowRecord));

        Assert.Equal("mySuperSecretPayload", Encoding.UTF8.GetString(payload));
    }

    [Fact]
    public void WorkedVector_KeyRecords_RoundTripThroughOurSerializer()
    {
        Assert.Equal(SystemKeyRecord, EnvelopeKeyRecord.Parse(SystemKeyRecord).ToJson());
        Assert.Equal(IntermediateKeyRecord, EnvelopeKeyRecord.Parse(IntermediateKeyRecord).ToJson());
    }

    [Fact]
    public void WorkedVector_InAnotherPartition_IsRefusedAsMetadataMissing()
    {
        using var factory = NewFactory(out _);
        using var session = factory.GetSessionBytes("partition2");

        Assert.Throws<MetadataMissingException>(() => session.Decrypt(Encoding.UTF8.GetBytes(DataRowRecord)));
    }

    private static SessionFactory NewFactory(out InMemoryMetastore metastore)
    {
        metastore = new InMemoryMetastore();
        var created = DateTimeOffset.FromUnixTimeSeconds(1700000040);
        Assert.True(metastore.StoreAsync("_SK_service_product", created, EnvelopeKeyRecord.Parse(SystemKeyRecord)).AsTask().Result);
        Assert.True(metastore.StoreAsync("_IK_partition_service_product", created, EnvelopeKeyRecord.Parse(IntermediateKeyRecord)).AsTask().Result);
        return SessionFactory.NewBuilder("product", "service")
            .WithMetastore(metastore)
            .WithNeverExpiredCryptoPolicy()
            .WithStaticKeyManagementService(MasterKey)
            .Build();
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Asherah.Tests.KeyManagement;

/// <summary>
/// Partition <c>a_b</c> of service <c>c</c> and partition <c>a</c> of service <c>b_c</c> share the intermediate key id
/// <c>_IK_a_b_c_product</c>; neither may use or read the other's intermediate keys.
/// </summary>
public class ForeignServiceTests
{
    [Fact]
    public void Decrypt_OfARecordOfAnotherServiceWhoseIdsConcatenateEqually_ThrowsMetadataMissing()
    {
        var metastore = new InMemoryMetastore();
        using var serviceC = NewFactory(metastore, "c");
        using var serviceBC = NewFactory(metastore, "b_c");
        using var ofC = serviceC.GetSessionBytes("a_b");
        using var ofBC = serviceBC.GetSessionBytes("a");
        Assert.Equal(ofC.EnvelopeForTests.Partition.IntermediateKeyId, ofBC.EnvelopeForTests.Partition.IntermediateKeyId);

        byte[] record = ofC.Encrypt([1, 2, 3]);

        Assert.Throws<MetadataMissingException>(() => ofBC.Decrypt(record));
        Assert.Equal([1, 2, 3], ofC.Decrypt(record));
    }

    [Fact]
    public async Task DecryptAsync_OfARecordOfAnotherServiceWhoseIdsConcatenateEqually_ThrowsMetadataMissing()
    {
        var metastore = new InMemoryMetastore();
        using var serviceC = NewFactory(metastore, "c");
        using var serviceBC = NewFactory(metastore, "b_c");
        using var ofC = serviceC.GetSessionBytes("a_b");
        using var ofBC = serviceBC.GetSessionBytes("a");

        byte[] record = await ofC.EncryptAsync([1, 2, 3]);

        await Assert.ThrowsAsync<MetadataMissingException>(async () => await ofBC.DecryptAsync(record));
    }

    [Fact]
    public async Task Encrypt_WhenTheNewestIntermediateKeyIsUnderAnotherServicesSystemKey_CreatesItsOwn()
    {
        var metastore = new InMemoryMetastore();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        using var serviceC = NewFactory(metastore, "c", time);
        using var serviceBC = NewFactory(metastore, "b_c", time);
        using var ofC = serviceC.GetSessionBytes("a_b");
        using var ofBC = serviceBC.GetSessionBytes("a");
        byte[] recordOfC = ofC.Encrypt([1]);
        time.Advance(TimeSpan.FromMinutes(1));

        byte[] recordOfBC = ofBC.Encrypt([2]);

        var intermediateKeys = (await metastore.ListAllAsync()).Where(r => r.KeyId.StartsWith("_IK_", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, intermediateKeys.Count);
        Assert.Equal(["_SK_b_c_product", "_SK_c_product"], intermediateKeys.Select(r => r.Record.ParentKeyMeta!.KeyId).Order(StringComparer.Ordinal));
        Assert.Equal([2], ofBC.Decrypt(recordOfBC));
        Assert.Equal([1], ofC.Decrypt(recordOfC));
        Assert.Throws<MetadataMissingException>(() => ofC.Decrypt(recordOfBC));
    }

    [Fact]
    public void SuffixedPartition_AcceptsItsSystemKeyIdWithOrWithoutOneRegionToken_AndNothingElse()
    {
        var partition = new Asherah.KeyManagement.Partition("p", "service", "product", "us-east-1");

        Assert.True(partition.IsValidSystemKeyId("_SK_service_product_us-east-1"));
        Assert.True(partition.IsValidSystemKeyId("_SK_service_product"));
        Assert.True(partition.IsValidSystemKeyId("_SK_service_product_eu-west-1"));
        Assert.False(partition.IsValidSystemKeyId("_SK_service_product_x_y"));
        Assert.False(partition.IsValidSystemKeyId("_SK_service_product_"));
        Assert.False(partition.IsValidSystemKeyId("_SK_service_productx"));
        Assert.False(partition.IsValidSystemKeyId("_SK_other_service_product"));
    }

    [Fact]
    public void UnsuffixedPartition_AcceptsOnlyItsExactSystemKeyId()
    {
        var partition = new Asherah.KeyManagement.Partition("p", "service", "product", null);

        Assert.True(partition.IsValidSystemKeyId("_SK_service_product"));
        Assert.False(partition.IsValidSystemKeyId("_SK_service_product_p"));
    }

    // Lone surrogates cannot go through attributes (their metadata encoding replaces them), so the cases are built here.
    [Fact]
    public void GetSession_WithAPartitionIdThatIsIllFormedOrWhiteSpace_ThrowsArgumentException()
    {
        using var factory = TestFactories.New();
        string[] ids = ["\ud800", "a\udc00", "\udc00\ud800", "a\ud800", "\ud800\ud800\udc00", " ", "\t\n", "\u3000"];

        foreach (string id in ids)
        {
            Assert.Throws<ArgumentException>(() => factory.GetSessionBytes(id));
            Assert.Throws<ArgumentException>(() => factory.GetSessionJson(id));
        }
    }

    [Fact]
    public void GetSession_WithAPartitionIdOfASurrogatePair_Works()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes("user-\ud83d\ude00");

        Assert.Equal([7], session.Decrypt(session.Encrypt([7])));
    }

    [Fact]
    public void NewBuilder_WithAnIllFormedId_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => SessionFactory.NewBuilder("\ud800", "service"));
        Assert.Throws<ArgumentException>(() => SessionFactory.NewBuilder("product", "x\udfff"));
    }

    [Fact]
    public void Build_WithAnUnderscoreInTheServiceOrProductId_LogsAWarning()
    {
        var logger = new RecordingLogger();
        using var factory = SessionFactory.NewBuilder("my_product", "b_c").WithInMemoryMetastore().WithNeverExpiredCryptoPolicy()
            .WithStaticKeyManagementService(TestFactories.MasterKey).WithLogger(logger).Build();

        var warnings = logger.Entries.Where(e => e.Level == LogLevel.Warning && e.Id.Id == 9).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.Message.Contains("b_c", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Message.Contains("my_product", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_WithoutUnderscores_LogsNoWarning()
    {
        var logger = new RecordingLogger();
        using var factory = SessionFactory.NewBuilder("product", "service").WithInMemoryMetastore().WithNeverExpiredCryptoPolicy()
            .WithStaticKeyManagementService(TestFactories.MasterKey).WithLogger(logger).Build();

        Assert.DoesNotContain(logger.Entries, e => e.Level == LogLevel.Warning);
    }

    private static SessionFactory NewFactory(IMetastore metastore, string serviceId, TimeProvider? time = null)
    {
        var builder = SessionFactory.NewBuilder("product", serviceId).WithMetastore(metastore).WithNeverExpiredCryptoPolicy()
            .WithStaticKeyManagementService(TestFactories.MasterKey);
        if (time is not null)
        {
            builder.WithTimeProvider(time);
        }

        return builder.Build();
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Asherah.Tests.KeyManagement;

/// <summary>Stored key times are checked against the clock and against the time they are stored under.</summary>
public class KeyTimeTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_040);
    private static readonly DateTimeOffset FarFuture = DateTimeOffset.FromUnixTimeSeconds(253_402_300_740); // 9999-12-31

    [Theory]
    [InlineData("_IK_")]
    [InlineData("_SK_")]
    public async Task Encrypt_WhenTheNewestKeyIsCreatedFarInTheFuture_CreatesANewKeyThatLaterDecrypts(string tier)
    {
        var inner = new InMemoryMetastore();
        var time = new FakeTimeProvider(Start);
        using (var writer = TestFactories.New(inner, time: time))
        using (var session = writer.GetSessionBytes("partition"))
        {
            session.Encrypt([1]);
        }

        time.Advance(TimeSpan.FromMinutes(1));
        var lying = new RewritingMetastore(inner, latest: (id, r) => id.StartsWith(tier, StringComparison.Ordinal) ? Retimed(r, FarFuture) : r);
        var logger = new RecordingLogger();
        byte[] record;
        // The system key tier is asked for its newest key when a partition needs a new intermediate key.
        string partition = tier == "_SK_" ? "another-partition" : "partition";
        using (var factory = NewFactory(lying, time, logger))
        using (var session = factory.GetSessionBytes(partition))
        {
            record = session.Encrypt([2]);
        }

        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Id.Id == 10);
        Assert.Equal(2, (await inner.ListAllAsync()).Count(r => r.KeyId.StartsWith(tier, StringComparison.Ordinal)));
        using var reader = TestFactories.New(inner, time: time);
        using var readerSession = reader.GetSessionBytes(partition);
        Assert.Equal([2], readerSession.Decrypt(record));
    }

    [Fact]
    public async Task Encrypt_WhenTheNewestKeyIsCreatedALittleAhead_UsesIt()
    {
        var inner = new InMemoryMetastore();
        using (var writer = TestFactories.New(inner, time: new FakeTimeProvider(Start + TimeSpan.FromMinutes(2))))
        using (var session = writer.GetSessionBytes("partition"))
        {
            session.Encrypt([1]);
        }

        using var factory = TestFactories.New(inner, time: new FakeTimeProvider(Start));
        using var reader = factory.GetSessionBytes("partition");
        Assert.Equal([2], reader.Decrypt(reader.Encrypt([2])));

        Assert.Single(await inner.ListAllAsync(), r => r.KeyId.StartsWith("_IK_", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("_IK_")]
    [InlineData("_SK_")]
    public void Decrypt_WhenTheKeyRecordsCreatedDiffersFromTheTimeItIsStoredUnder_ThrowsMetadataMissing(string tier)
    {
        var inner = new InMemoryMetastore();
        byte[] record;
        using (var writer = TestFactories.New(inner))
        using (var session = writer.GetSessionBytes("partition"))
        {
            record = session.Encrypt([1]);
        }

        var lying = new RewritingMetastore(inner, load: (id, r) => id.StartsWith(tier, StringComparison.Ordinal) ? Retimed(r, r.Created.AddMinutes(1)) : r);
        using var factory = TestFactories.New(lying);
        using var reader = factory.GetSessionBytes("partition");

        Assert.Throws<MetadataMissingException>(() => reader.Decrypt(record));
    }

    private static EnvelopeKeyRecord Retimed(EnvelopeKeyRecord record, DateTimeOffset created) =>
        new(created, record.EncryptedKey, record.ParentKeyMeta, record.Revoked);

    private static SessionFactory NewFactory(IMetastore metastore, TimeProvider time, ILogger logger) =>
        SessionFactory.NewBuilder("product", "service").WithMetastore(metastore).WithNeverExpiredCryptoPolicy()
            .WithStaticKeyManagementService(TestFactories.MasterKey).WithTimeProvider(time).WithLogger(logger).Build();

    /// <summary>Returns loaded records rewritten, as a buggy or tampered metastore would.</summary>
    private sealed class RewritingMetastore(
        IMetastore inner,
        Func<string, EnvelopeKeyRecord, EnvelopeKeyRecord>? latest = null,
        Func<string, EnvelopeKeyRecord, EnvelopeKeyRecord>? load = null) : IMetastore
    {
        public string? KeySuffix => inner.KeySuffix;

        public async ValueTask<EnvelopeKeyRecord?> LoadAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default)
        {
            var record = await inner.LoadAsync(keyId, created, cancellationToken);
            return record is null || load is null ? record : load(keyId, record);
        }

        public async ValueTask<EnvelopeKeyRecord?> LoadLatestAsync(string keyId, CancellationToken cancellationToken = default)
        {
            var record = await inner.LoadLatestAsync(keyId, cancellationToken);
            return record is null || latest is null ? record : latest(keyId, record);
        }

        public ValueTask<bool> StoreAsync(string keyId, DateTimeOffset created, EnvelopeKeyRecord record, CancellationToken cancellationToken = default) =>
            inner.StoreAsync(keyId, created, record, cancellationToken);
    }
}

using System.Text;
using Asherah.Metastore;
using Microsoft.Extensions.Time.Testing;

namespace Asherah.Tests.Shared;

/// <summary>
/// Sessions over a metastore implementation, end to end: what each metastore's tests derive from. Every test uses a
/// product id of its own, so a shared server's table may hold other tests' rows.
/// </summary>
public abstract class SessionContract
{
    private const string MasterKey = "thisIsAStaticMasterKeyForTesting";
    private const string Service = "svc";

    // 30 seconds into a minute, so the minute truncation of key times is in play.
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 30, TimeSpan.Zero);

    private readonly string _product = "prod" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// A metastore over the implementation's database. Every call opens a new connection source (as a second process
    /// would), and all of them see the same rows.
    /// </summary>
    protected abstract Task<IMetastore> OpenMetastoreAsync();

    /// <summary>How many rows the database holds for <paramref name="keyId"/>, counted in the table itself.</summary>
    protected abstract Task<int> CountRowsAsync(string keyId);

    private string SystemKeyId => $"_SK_{Service}_{_product}";

    private string IntermediateKeyId(string partition) => $"_IK_{partition}_{Service}_{_product}";

    private async Task<SessionFactory> NewFactoryAsync(CryptoPolicy? policy = null, TimeProvider? time = null)
    {
        var builder = SessionFactory.NewBuilder(_product, Service)
            .WithMetastore(await OpenMetastoreAsync())
            .WithCryptoPolicy(policy ?? new NeverExpiredCryptoPolicy())
            .WithStaticKeyManagementService(MasterKey);
        if (time is not null)
        {
            builder.WithTimeProvider(time);
        }

        return builder.Build();
    }

    private static byte[] Payload(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [MetastoreFact]
    public async Task Encrypt_ThenDecrypt_RoundTrips_WithOneKeyRowPerTier()
    {
        using var factory = await NewFactoryAsync();
        using var session = factory.GetSessionBytes("partition");

        foreach (int length in new[] { 0, 1, 31, 4096, 100_000 })
        {
            var payload = Payload(length, length);
            var record = await session.EncryptAsync(payload);
            Assert.DoesNotContain("\"Data\":\"\"", Encoding.UTF8.GetString(record), StringComparison.Ordinal);
            Assert.Equal(payload, await session.DecryptAsync(record));
        }

        Assert.Equal(1, await CountRowsAsync(IntermediateKeyId("partition")));
        Assert.Equal(1, await CountRowsAsync(SystemKeyId));
    }

    [MetastoreFact]
    public async Task Encrypt_AfterKeysExpire_WritesNewKeys_AndOldRecordsStillDecrypt()
    {
        var time = new FakeTimeProvider(Start);
        var policy = new BasicExpiringCryptoPolicy { KeyExpiration = TimeSpan.FromDays(1), RevokeCheckInterval = TimeSpan.FromMinutes(10) };
        var payload = Payload(100, 1);
        using var factory = await NewFactoryAsync(policy, time);
        using var session = factory.GetSessionBytes("partition");
        var before = await session.EncryptAsync(payload);
        Assert.Equal(1, await CountRowsAsync(IntermediateKeyId("partition")));

        time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var after = await session.EncryptAsync(payload);

        Assert.Equal(2, await CountRowsAsync(IntermediateKeyId("partition")));
        Assert.Equal(2, await CountRowsAsync(SystemKeyId));
        var newIntermediate = await (await OpenMetastoreAsync()).LoadLatestAsync(IntermediateKeyId("partition"));
        Assert.Equal(Start.AddDays(1).AddMinutes(1).ToUnixTimeSeconds() / 60 * 60, newIntermediate!.Created.ToUnixTimeSeconds());
        Assert.Contains($"\"Created\":{newIntermediate.Created.ToUnixTimeSeconds()}}}", Encoding.UTF8.GetString(after), StringComparison.Ordinal);
        Assert.Equal(payload, await session.DecryptAsync(before));
        Assert.Equal(payload, await session.DecryptAsync(after));

        // A new factory on a new connection source, past both keys' expiry: both records still decrypt.
        time.Advance(TimeSpan.FromDays(3));
        using var reader = await NewFactoryAsync(policy, time);
        using var readerSession = reader.GetSessionBytes("partition");
        Assert.Equal(payload, await readerSession.DecryptAsync(before));
        Assert.Equal(payload, await readerSession.DecryptAsync(after));
        Assert.Equal(2, await CountRowsAsync(IntermediateKeyId("partition")));
    }

    [MetastoreFact]
    public async Task Records_WrittenThroughOneFactory_DecryptThroughASecondOnTheSameDatabase()
    {
        string[] partitions = ["alice", "bob", "tenant:acme/7"];
        var written = new List<(string Partition, byte[] Payload, byte[] Record)>();
        using (var writer = await NewFactoryAsync())
        {
            for (int i = 0; i < partitions.Length; i++)
            {
                using var session = writer.GetSessionBytes(partitions[i]);
                var payload = Payload(64 * (i + 1), i);
                written.Add((partitions[i], payload, await session.EncryptAsync(payload)));
            }
        }

        using var reader = await NewFactoryAsync();
        foreach (var (partition, payload, record) in written)
        {
            using var session = reader.GetSessionBytes(partition);
            Assert.Equal(payload, await session.DecryptAsync(record));
            // Writing through the second factory reuses the first one's keys.
            Assert.Equal(payload, await session.DecryptAsync(await session.EncryptAsync(payload)));
            Assert.Equal(1, await CountRowsAsync(IntermediateKeyId(partition)));
        }

        Assert.Equal(1, await CountRowsAsync(SystemKeyId));

        // Another partition's session refuses the record.
        using var other = reader.GetSessionBytes("mallory");
        await Assert.ThrowsAnyAsync<AsherahException>(async () => await other.DecryptAsync(written[0].Record));
    }

    [MetastoreFact]
    public async Task SixteenFactories_RacingOnSixteenNewPartitions_CreateExactlyOneKeyRowEach()
    {
        const int Threads = 16, Partitions = 16;
        // One clock for all: the race is decided by the (id, created) key, which needs the same minute for everyone.
        var time = new FakeTimeProvider(Start);
        var partitions = Enumerable.Range(0, Partitions).Select(p => "race-" + p).ToArray();
        var factories = new SessionFactory[Threads];
        for (int t = 0; t < Threads; t++)
        {
            factories[t] = await NewFactoryAsync(time: time);
        }

        try
        {
            using var start = new Barrier(Threads);
            var records = await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                var mine = new List<(string Partition, byte[] Record)>();
                foreach (string partition in partitions)
                {
                    using var session = factories[t].GetSessionBytes(partition);
                    mine.Add((partition, session.Encrypt(Payload(32, t))));
                }

                return mine;
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));

            foreach (string partition in partitions)
            {
                Assert.Equal(1, await CountRowsAsync(IntermediateKeyId(partition)));
            }

            Assert.Equal(1, await CountRowsAsync(SystemKeyId));

            // Every factory's records decrypt through every other (here: the next one), so all used the winners' keys.
            for (int t = 0; t < Threads; t++)
            {
                foreach (var (partition, record) in records[t])
                {
                    using var session = factories[(t + 1) % Threads].GetSessionBytes(partition);
                    Assert.Equal(Payload(32, t), await session.DecryptAsync(record));
                }
            }
        }
        finally
        {
            foreach (var factory in factories)
            {
                factory.Dispose();
            }
        }
    }
}

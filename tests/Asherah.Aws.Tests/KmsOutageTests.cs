using System.Text;
using Asherah.Kms.Aws.TestServer;
using Asherah.Metastore.DynamoDb.Tests;
using Asherah.Tests.Shared;
using static Asherah.Aws.Tests.AwsDeployment;

namespace Asherah.Aws.Tests;

/// <summary>Every KMS region down at once: what still works from cached keys, what fails and how, and the recovery.</summary>
[RequiresEnvironment(Dynalite.Variable, Dynalite.HowToSet)]
public sealed class KmsOutageTests
{
    private const int WarmPartitions = 20;
    private const int RacingFactories = 6;

    // Long enough for a first request of a cold SDK client on a loaded machine (300 ms was not, under a load average
    // of 12: the healthy warm-up timed out); the hanging region costs it once per cold encrypt.
    private static readonly TimeSpan RegionTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task AllKmsRegionsDown_ColdEncryptsFailWithKmsException_WarmOnesWork_AndRecoveryWritesNoDuplicateSystemKey()
    {
        await using var kmsServer = await StartKmsAsync();
        await using var west = new AwsDeployment(kmsServer, Dynalite.Endpoint, West, Dynalite.NewTableName());
        await west.EnsureTableAsync();
        var kms = west.NewKms(RegionTimeout);
        string product = "prod" + Guid.NewGuid().ToString("N");
        string newProduct = "new" + Guid.NewGuid().ToString("N");
        var payload = Encoding.UTF8.GetBytes("a record");

        // A running application: its factory has made and cached the system key.
        await using var warm = west.NewFactory(product, kms);
        using (var session = warm.GetSessionBytes("warm-up"))
        {
            await session.EncryptAsync(payload);
        }

        // Every region down, each its own way: an error, throttling, no answer at all.
        kmsServer.SetFault(West, KmsFault.Fail);
        kmsServer.SetFault(East, KmsFault.Throttle);
        kmsServer.SetFault(Europe, KmsFault.Hang);

        // Cold: a restarted process must open the system key through the KMS; a new product must make one.
        await using var restarted = west.NewFactory(product, kms);
        await using var fresh = west.NewFactory(newProduct, kms);
        foreach (var cold in new[] { restarted, fresh })
        {
            using var session = cold.GetSessionBytes("cold");
            var e = await Assert.ThrowsAsync<KmsException>(async () => await session.EncryptAsync(payload));
            Assert.True(e.IsTransient, e.Message);
            Assert.Contains(West, e.Message, StringComparison.Ordinal);
            Assert.Contains(Europe, e.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, await west.CountRowsAsync(west.SystemKeyId(newProduct)));

        // Warm: new partitions of the running application need only its cached system key; no KMS call at all.
        kmsServer.ResetCounts();
        var written = new List<(string Partition, byte[] Payload, byte[] Record)>();
        for (int i = 0; i < WarmPartitions; i++)
        {
            string partition = $"outage-{i}";
            var bytes = Encoding.UTF8.GetBytes($"written during the outage, {i}");
            using var session = warm.GetSessionBytes(partition);
            written.Add((partition, bytes, await session.EncryptAsync(bytes)));
        }

        foreach (var (partition, bytes, record) in written)
        {
            using var session = warm.GetSessionBytes(partition);
            Assert.Equal(bytes, await session.DecryptAsync(record));
        }

        Assert.Equal(0, KmsRequests(kmsServer));

        // Recovery: the factories that failed work now, with the system key that exists.
        kmsServer.ClearFaults();
        foreach (var cold in new[] { restarted, fresh })
        {
            using var session = cold.GetSessionBytes("cold");
            Assert.Equal(payload, await session.DecryptAsync(await session.EncryptAsync(payload)));
        }

        foreach (var (partition, bytes, record) in written)
        {
            using var session = restarted.GetSessionBytes(partition);
            Assert.Equal(bytes, await session.DecryptAsync(record));
        }

        // A herd of restarted processes of a third product, all cold at once, agree on one system key.
        string herdProduct = "herd" + Guid.NewGuid().ToString("N");
        var herd = Enumerable.Range(0, RacingFactories).Select(_ => west.NewFactory(herdProduct, kms)).ToArray();
        try
        {
            var records = await Task.WhenAll(herd.Select(async (factory, i) =>
            {
                using var session = factory.GetSessionBytes($"herd-{i}");
                return await session.EncryptAsync(payload);
            }));
            for (int i = 0; i < herd.Length; i++)
            {
                using var session = herd[(i + 1) % herd.Length].GetSessionBytes($"herd-{i}");
                Assert.Equal(payload, await session.DecryptAsync(records[i]));
            }
        }
        finally
        {
            foreach (var factory in herd)
            {
                await factory.DisposeAsync();
            }
        }

        Assert.Equal(1, await west.CountRowsAsync(west.SystemKeyId(product)));
        Assert.Equal(1, await west.CountRowsAsync(west.SystemKeyId(newProduct)));
        Assert.Equal(1, await west.CountRowsAsync(west.SystemKeyId(herdProduct)));
    }

    private static int KmsRequests(KmsTestServer server) =>
        KmsRegions.Sum(r => server.Requests(r, "GenerateDataKey") + server.Requests(r, "Encrypt") + server.Requests(r, "Decrypt"));
}

using System.Text;
using Asherah.Kms.Aws.TestServer;
using Asherah.Metastore.DynamoDb.Tests;
using Asherah.Tests.Shared;
using static Asherah.Aws.Tests.AwsDeployment;

namespace Asherah.Aws.Tests;

/// <summary>
/// Two application regions over one global table: us-west-2 on the dynalite at <c>ASHERAH_TEST_DYNAMODB</c>, us-east-1
/// on the one at <c>ASHERAH_TEST_DYNAMODB_REPLICA</c>, items copied between them as global-table replication would, each
/// region preferring its own KMS key.
/// </summary>
[RequiresEnvironment(Dynalite.Variable, Dynalite.HowToSet)]
public sealed class MultiRegionTests
{
    private const int RecordsPerRegion = 24;

    private static readonly TimeSpan RegionTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task RecordsWrittenInOneRegion_DecryptInTheOther_ThroughItsOwnPreferredKmsRegion()
    {
        await using var kmsServer = await StartKmsAsync();
        string table = Dynalite.NewTableName();
        await using var west = new AwsDeployment(kmsServer, Dynalite.Endpoint, West, table);
        await using var east = new AwsDeployment(kmsServer, Dynalite.ReplicaEndpoint, East, table);
        await west.EnsureTableAsync();
        await east.EnsureTableAsync();
        string product = "prod" + Guid.NewGuid().ToString("N");

        var fromWest = await WriteAsync(west, product);
        var fromEast = await WriteAsync(east, product);

        // Each region made its keys with its own KMS key, under its own suffix.
        Assert.Equal(1, await west.CountRowsAsync(west.SystemKeyId(product)));
        Assert.Equal(0, await west.CountRowsAsync(east.SystemKeyId(product)));
        Assert.Equal(1, await east.CountRowsAsync(east.SystemKeyId(product)));
        Assert.Equal(0, await east.CountRowsAsync(west.SystemKeyId(product)));

        await Dynalite.ReplicateAsync(west.DynamoDb(), east.DynamoDb(), table);
        await Dynalite.ReplicateAsync(east.DynamoDb(), west.DynamoDb(), table);
        Assert.Equal(1, await east.CountRowsAsync(west.SystemKeyId(product)));

        // us-east-1 reads us-west-2's records with a fresh factory (nothing cached) through its preferred KMS region only.
        kmsServer.ResetCounts();
        await ReadAsync(east, product, fromWest);
        Assert.True(kmsServer.Requests(East, "Decrypt") > 0);
        Assert.Equal(0, kmsServer.Requests(West, "Decrypt"));
        Assert.Equal(0, kmsServer.Requests(Europe, "Decrypt"));

        // And the other way round.
        kmsServer.ResetCounts();
        await ReadAsync(west, product, fromEast);
        Assert.True(kmsServer.Requests(West, "Decrypt") > 0);
        Assert.Equal(0, kmsServer.Requests(East, "Decrypt"));
        Assert.Equal(0, kmsServer.Requests(Europe, "Decrypt"));

        // With us-east-1's KMS failing, us-east-1 still reads both regions' records through another KMS region.
        kmsServer.SetFault(East, KmsFault.Fail);
        kmsServer.ResetCounts();
        await ReadAsync(east, product, [.. fromWest, .. fromEast]);
        Assert.True(kmsServer.Requests(East, "Decrypt") > 0);
        Assert.True(kmsServer.Requests(West, "Decrypt") + kmsServer.Requests(Europe, "Decrypt") > 0);

        // Neither region wrote a second system key: replication and reading created no rows.
        Assert.Equal(1, await west.CountRowsAsync(west.SystemKeyId(product)));
        Assert.Equal(1, await west.CountRowsAsync(east.SystemKeyId(product)));
    }

    /// <summary>Records of <paramref name="region"/> in partitions of their own, through a fresh factory.</summary>
    private static async Task<List<(string Partition, byte[] Payload, byte[] Record)>> WriteAsync(AwsDeployment region, string product)
    {
        var records = new List<(string, byte[], byte[])>();
        await using var factory = region.NewFactory(product, region.NewKms(RegionTimeout));
        for (int i = 0; i < RecordsPerRegion; i++)
        {
            string partition = $"{region.Region}-partition-{i % 6}";
            var payload = Encoding.UTF8.GetBytes($"record {i} written in {region.Region}");
            using var session = factory.GetSessionBytes(partition);
            records.Add((partition, payload, await session.EncryptAsync(payload)));
        }

        return records;
    }

    /// <summary>Decrypts every record through a fresh factory of <paramref name="region"/> and a fresh KMS service.</summary>
    private static async Task ReadAsync(AwsDeployment region, string product, IEnumerable<(string Partition, byte[] Payload, byte[] Record)> records)
    {
        await using var factory = region.NewFactory(product, region.NewKms(RegionTimeout));
        int read = 0;
        foreach (var (partition, payload, record) in records)
        {
            using var session = factory.GetSessionBytes(partition);
            Assert.Equal(payload, await session.DecryptAsync(record));
            read++;
        }

        Assert.True(read > 0);
    }
}

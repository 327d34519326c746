using System.Text.Json;
using Amazon.DynamoDBv2;
using Asherah.Tests.Shared;

namespace Asherah.Metastore.DynamoDb.Tests;

/// <summary>
/// Region suffixes as a DynamoDB global table uses them: two regions (us-west-2 and eu-west-1) on two dynalite servers
/// (<c>ASHERAH_TEST_DYNAMODB</c> and <c>ASHERAH_TEST_DYNAMODB_REPLICA</c>), replication simulated by copying items, and
/// two regions sharing one table. Sessions go through <see cref="SessionFactory"/> with a static master key.
/// </summary>
[RequiresEnvironment(Dynalite.ReplicaVariable, Dynalite.HowToSet)]
public sealed class RegionSuffixTests : IAsyncLifetime
{
    private const string MasterKey = "thisIsAStaticMasterKeyForTesting";
    private readonly string _table = Dynalite.NewTableName();
    private AmazonDynamoDBClient? _west;
    private AmazonDynamoDBClient? _europe;

    private AmazonDynamoDBClient West => _west ??= Dynalite.Client(Dynalite.Endpoint, "us-west-2");

    private AmazonDynamoDBClient Europe => _europe ??= Dynalite.Client(Dynalite.ReplicaEndpoint, "eu-west-1");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var client in new[] { _west, _europe })
        {
            if (client is null)
            {
                continue;
            }

            try
            {
                await client.DeleteTableAsync(_table);
            }
            catch (Amazon.DynamoDBv2.Model.ResourceNotFoundException)
            {
            }

            client.Dispose();
        }
    }

    private async Task<DynamoDbMetastore> RegionAsync(IAmazonDynamoDB client, bool suffix = true)
    {
        var store = new DynamoDbMetastore(client, new DynamoDbMetastoreOptions { TableName = _table, EnableRegionSuffix = suffix });
        await store.EnsureTableAsync();
        return store;
    }

    private static SessionFactory Factory(IMetastore metastore) => SessionFactory.NewBuilder("product", "service")
        .WithMetastore(metastore)
        .WithNeverExpiredCryptoPolicy()
        .WithStaticKeyManagementService(MasterKey)
        .Build();

    private static async Task<byte[]> EncryptAsync(IMetastore metastore, string partition, byte[] payload)
    {
        using var factory = Factory(metastore);
        using var session = factory.GetSessionBytes(partition);
        return await session.EncryptAsync(payload);
    }

    private static async Task<byte[]> DecryptAsync(IMetastore metastore, string partition, byte[] drr)
    {
        using var factory = Factory(metastore);
        using var session = factory.GetSessionBytes(partition);
        return await session.DecryptAsync(drr);
    }

    private static string IntermediateKeyIdOf(byte[] drr)
    {
        using var json = JsonDocument.Parse(drr);
        return json.RootElement.GetProperty("Key").GetProperty("ParentKeyMeta").GetProperty("KeyId").GetString()!;
    }

    private static async Task<List<string>> KeyIdsAsync(DynamoDbMetastore store)
    {
        var ids = new List<string>();
        await foreach (var row in store.ListAsync())
        {
            ids.Add(row.KeyId);
        }

        return ids;
    }

    [MetastoreFact]
    public async Task RecordsWrittenInOneRegion_DecryptInTheOther_OnceReplicated()
    {
        var west = await RegionAsync(West);
        var europe = await RegionAsync(Europe);
        Assert.Equal("us-west-2", west.KeySuffix);
        Assert.Equal("eu-west-1", europe.KeySuffix);

        byte[] fromWest = await EncryptAsync(west, "tenant", [1, 2, 3]);
        Assert.Equal("_IK_tenant_service_product_us-west-2", IntermediateKeyIdOf(fromWest));
        Assert.Equal(["_IK_tenant_service_product_us-west-2", "_SK_service_product_us-west-2"], await KeyIdsAsync(west));

        // Not yet replicated: the other region's table does not have the keys.
        await Assert.ThrowsAsync<MetadataMissingException>(() => DecryptAsync(europe, "tenant", fromWest));

        await Dynalite.ReplicateAsync(West, Europe, _table);
        Assert.Equal([1, 2, 3], await DecryptAsync(europe, "tenant", fromWest));

        // Europe writes with its own keys, which West reads once they come back.
        byte[] fromEurope = await EncryptAsync(europe, "tenant", [4, 5]);
        Assert.Equal("_IK_tenant_service_product_eu-west-1", IntermediateKeyIdOf(fromEurope));
        await Dynalite.ReplicateAsync(Europe, West, _table);
        Assert.Equal([4, 5], await DecryptAsync(west, "tenant", fromEurope));

        Assert.Equal(
            ["_IK_tenant_service_product_eu-west-1", "_IK_tenant_service_product_us-west-2", "_SK_service_product_eu-west-1", "_SK_service_product_us-west-2"],
            await KeyIdsAsync(west));
    }

    [MetastoreFact]
    public async Task TwoRegionsSharingOneTable_EachWriteTheirOwnKeys_AndReadEachOthers()
    {
        // One table both regions write to, as a global table converges: no key id is written by both.
        var west = await RegionAsync(West);
        var alsoWest = new DynamoDbMetastore(West, new DynamoDbMetastoreOptions { TableName = _table, RegionSuffix = "eu-west-1" });

        byte[] a = await EncryptAsync(west, "tenant", [1]);
        byte[] b = await EncryptAsync(alsoWest, "tenant", [2]);

        Assert.Equal([2], await DecryptAsync(west, "tenant", b));
        Assert.Equal([1], await DecryptAsync(alsoWest, "tenant", a));
        Assert.Equal(4, (await KeyIdsAsync(west)).Distinct().Count());
    }

    [MetastoreFact]
    public async Task RecordsWrittenWithoutASuffix_StillDecrypt_AfterSuffixesAreTurnedOn()
    {
        var plain = await RegionAsync(West, suffix: false);
        Assert.Null(plain.KeySuffix);
        byte[] before = await EncryptAsync(plain, "tenant", [7]);
        Assert.Equal("_IK_tenant_service_product", IntermediateKeyIdOf(before));

        var suffixed = await RegionAsync(West);
        Assert.Equal([7], await DecryptAsync(suffixed, "tenant", before));
        Assert.Equal("_IK_tenant_service_product_us-west-2", IntermediateKeyIdOf(await EncryptAsync(suffixed, "tenant", [8])));
    }

    [MetastoreFact]
    public async Task APartitionSharingAPrefix_CannotReadAnotherRegionsRecords()
    {
        // FORMATS.md: a suffixed partition accepts its own IK id plus one suffix token, not any id starting with it.
        var west = await RegionAsync(West);
        // This IK id starts with partition "tenant"'s unsuffixed one (canonical would accept it), but its rest is not one token.
        byte[] other = await EncryptAsync(west, "tenant_service_product_x", [9]);
        Assert.StartsWith("_IK_tenant_service_product", IntermediateKeyIdOf(other), StringComparison.Ordinal);
        Assert.Equal("_IK_tenant_service_product_x_service_product_us-west-2", IntermediateKeyIdOf(other));

        await Assert.ThrowsAsync<MetadataMissingException>(() => DecryptAsync(west, "tenant", other));
    }
}

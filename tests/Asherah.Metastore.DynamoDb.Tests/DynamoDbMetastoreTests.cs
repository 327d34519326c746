using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Asherah.Tests.Shared;

namespace Asherah.Metastore.DynamoDb.Tests;

/// <summary>
/// The metastore contract and the DynamoDB specifics against dynalite through the real AWS SDK client
/// (<c>ASHERAH_TEST_DYNAMODB</c>; <c>scripts/dynalite.sh</c>). Each test gets its own table. Unset: every test is
/// skipped, or fails when <c>CI</c> is set.
/// </summary>
[RequiresEnvironment(Dynalite.Variable, Dynalite.HowToSet)]
public sealed class DynamoDbMetastoreTests : MetastoreContract, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_040);
    private const string Base64Key = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8";

    private readonly List<(IAmazonDynamoDB Client, string Table)> _tables = [];
    private AmazonDynamoDBClient? _client;

    private AmazonDynamoDBClient Client => _client ??= Dynalite.Client();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (client, table) in _tables)
        {
            try
            {
                await client.DeleteTableAsync(table);
            }
            catch (ResourceNotFoundException)
            {
            }
        }

        _client?.Dispose();
    }

    protected override async Task<IMetastore> CreateAsync() => await CreateStoreAsync();

    private async Task<DynamoDbMetastore> CreateStoreAsync(DynamoDbMetastoreOptions? options = null)
    {
        options ??= new DynamoDbMetastoreOptions { TableName = Dynalite.NewTableName() };
        var store = new DynamoDbMetastore(Client, options);
        await store.EnsureTableAsync();
        _tables.Add((Client, options.TableName));
        return store;
    }

    private static string NewId() => "_IK_" + Guid.NewGuid().ToString("N") + "_service_product";

    private static EnvelopeKeyRecord Record(DateTimeOffset created, byte fill, string? parent = "_SK_service_product", bool? revoked = false, int length = 60) =>
        new(created, Enumerable.Repeat(fill, length).ToArray(), parent is null ? null : new KeyMeta(parent, created.AddSeconds(-40)), revoked);

    private static AttributeValue S(string value) => new() { S = value };

    private static AttributeValue N(long value) => new() { N = value.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private static AttributeValue M(params (string Name, AttributeValue Value)[] entries) =>
        new() { M = entries.ToDictionary(e => e.Name, e => e.Value) };

    private async Task PutRawAsync(string table, string id, long created, AttributeValue? keyRecord)
    {
        var item = new Dictionary<string, AttributeValue> { ["Id"] = S(id), ["Created"] = N(created) };
        if (keyRecord is not null)
        {
            item["KeyRecord"] = keyRecord;
        }

        await Client.PutItemAsync(new PutItemRequest { TableName = table, Item = item });
    }

    /// <summary>
    /// The item canonical C# writes: <c>Document.FromJson</c> of the record's JSON turns numbers into N, strings into S,
    /// objects into M and booleans into BOOL.
    /// </summary>
    private static AttributeValue CanonicalCSharpKeyRecord(long created, string parentId, long parentCreated, bool revoked) => M(
        ("Created", N(created)),
        ("Key", S(Base64Key)),
        ("ParentKeyMeta", M(("KeyId", S(parentId)), ("Created", N(parentCreated)))),
        ("Revoked", new AttributeValue { BOOL = revoked }));

    [MetastoreFact]
    public async Task Store_WritesTheCanonicalItem_AttributeByAttribute()
    {
        var store = await CreateStoreAsync();
        string id = NewId();
        Assert.True(await store.StoreAsync(id, T0, Record(T0, 7)));
        Assert.True(await store.StoreAsync("_SK_service_product", T0, Record(T0, 8, parent: null, revoked: null)));

        var item = (await Client.GetItemAsync(new GetItemRequest
        {
            TableName = store.TableName,
            Key = new() { ["Id"] = S(id), ["Created"] = N(T0.ToUnixTimeSeconds()) },
            ConsistentRead = true,
        })).Item;

        Assert.Equal(["Created", "Id", "KeyRecord"], item.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(id, item["Id"].S);
        Assert.Equal("1700000040", item["Created"].N);
        var record = item["KeyRecord"].M;
        Assert.NotNull(record);
        Assert.Equal(["Created", "Key", "ParentKeyMeta", "Revoked"], record.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("1700000040", record["Created"].N);
        Assert.Equal(Convert.ToBase64String(Enumerable.Repeat((byte)7, 60).ToArray()), record["Key"].S);
        Assert.Equal(["Created", "KeyId"], record["ParentKeyMeta"].M.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("_SK_service_product", record["ParentKeyMeta"].M["KeyId"].S);
        Assert.Equal("1700000000", record["ParentKeyMeta"].M["Created"].N);
        Assert.False(record["Revoked"].BOOL);

        // A system key: no ParentKeyMeta, and no Revoked when the record has no flag.
        var system = (await Client.GetItemAsync(new GetItemRequest
        {
            TableName = store.TableName,
            Key = new() { ["Id"] = S("_SK_service_product"), ["Created"] = N(T0.ToUnixTimeSeconds()) },
            ConsistentRead = true,
        })).Item["KeyRecord"].M;
        Assert.Equal(["Created", "Key"], system.Keys.Order(StringComparer.Ordinal));
    }

    [MetastoreFact]
    public async Task CanonicalItems_WrittenByHand_AreRead_AndBlockADuplicateStore()
    {
        var store = await CreateStoreAsync();
        string csharp = NewId(), go = NewId();
        await PutRawAsync(store.TableName, csharp, 1_700_000_040, CanonicalCSharpKeyRecord(1_700_000_040, "_SK_service_product", 1_700_000_000, revoked: true));

        // Canonical Go omits Revoked when false and writes the same types.
        await PutRawAsync(store.TableName, go, 1_700_000_040, M(
            ("Created", N(1_700_000_040)),
            ("Key", S(Base64Key)),
            ("ParentKeyMeta", M(("KeyId", S("_SK_service_product")), ("Created", N(1_700_000_000))))));

        string expectedCSharp = $$"""{"Created":1700000040,"Key":"{{Base64Key}}","ParentKeyMeta":{"KeyId":"_SK_service_product","Created":1700000000},"Revoked":true}""";
        string expectedGo = $$$"""{"Created":1700000040,"Key":"{{{Base64Key}}}","ParentKeyMeta":{"KeyId":"_SK_service_product","Created":1700000000}}""";
        Assert.Equal(expectedCSharp, (await store.LoadAsync(csharp, T0))!.ToJson());
        Assert.Equal(expectedCSharp, (await store.LoadLatestAsync(csharp))!.ToJson());
        Assert.True((await store.LoadAsync(csharp, T0))!.IsRevoked);
        Assert.Equal(expectedGo, (await store.LoadAsync(go, T0))!.ToJson());
        Assert.Null((await store.LoadAsync(go, T0))!.Revoked);

        Assert.False(await store.StoreAsync(csharp, T0, Record(T0, 1)));
        Assert.Equal(expectedCSharp, (await store.LoadAsync(csharp, T0))!.ToJson());

        var listed = new List<StoredKeyRecord>();
        await foreach (var row in store.ListAsync())
        {
            listed.Add(row);
        }

        Assert.Equal(new[] { csharp, go }.Order(StringComparer.Ordinal), listed.Select(r => r.KeyId));
        Assert.All(listed, r => Assert.Equal(T0, r.Created));
    }

    private static readonly (string What, AttributeValue? KeyRecord)[] MalformedKeyRecords =
    [
        ("a JSON string", S($$"""{"Created":1700000040,"Key":"{{Base64Key}}"}""")),
        ("missing", null),
        ("a list", new AttributeValue { L = [S(Base64Key)] }),
        ("no Key", M(("Created", N(1_700_000_040)))),
        ("Key as a number", M(("Created", N(1_700_000_040)), ("Key", N(12)))),
        ("Key not base64", M(("Created", N(1_700_000_040)), ("Key", S("not base64!")))),
        ("no Created", M(("Key", S(Base64Key)))),
        ("Created as a string", M(("Created", S("1700000040")), ("Key", S(Base64Key)))),
        ("Created fractional", M(("Created", new AttributeValue { N = "1700000040.5" }), ("Key", S(Base64Key)))),
        ("Created out of range", M(("Created", new AttributeValue { N = "99999999999999999" }), ("Key", S(Base64Key)))),
        ("ParentKeyMeta as a string", M(("Created", N(1_700_000_040)), ("Key", S(Base64Key)), ("ParentKeyMeta", S("_SK_service_product")))),
        ("ParentKeyMeta without KeyId", M(("Created", N(1_700_000_040)), ("Key", S(Base64Key)), ("ParentKeyMeta", M(("Created", N(1)))))),
        ("ParentKeyMeta without Created", M(("Created", N(1_700_000_040)), ("Key", S(Base64Key)), ("ParentKeyMeta", M(("KeyId", S("_SK_s_p")))))),
        ("Revoked as a string", M(("Created", N(1_700_000_040)), ("Key", S(Base64Key)), ("Revoked", S("true")))),
    ];

    [MetastoreFact]
    public async Task MalformedItems_ThrowNonTransientMetastoreException_OnEveryRead()
    {
        foreach (var (what, keyRecord) in MalformedKeyRecords)
        {
            await AssertMalformedAsync(what, keyRecord);
        }
    }

    private async Task AssertMalformedAsync(string what, AttributeValue? keyRecord)
    {
        var store = await CreateStoreAsync();
        string id = NewId();
        await PutRawAsync(store.TableName, id, T0.ToUnixTimeSeconds(), keyRecord);

        foreach (var read in new Func<Task>[]
                 {
                     async () => await store.LoadAsync(id, T0),
                     async () => await store.LoadLatestAsync(id),
                     async () => { await foreach (var _ in store.ListAsync()) { } },
                 })
        {
            var e = await Assert.ThrowsAsync<MetastoreException>(read);
            Assert.False(e.IsTransient, what);
            Assert.Contains(id, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Base64Key, e.Message, StringComparison.Ordinal);
        }
    }

    [MetastoreFact]
    public async Task List_ItemWithoutANumericCreated_ThrowsMetastoreException()
    {
        // A table whose range key is a string cannot be the canonical one; List reads such items as malformed.
        string table = Dynalite.NewTableName();
        await Client.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new("Id", ScalarAttributeType.S), new("Created", ScalarAttributeType.S)],
            KeySchema = [new("Id", KeyType.HASH), new("Created", KeyType.RANGE)],
        });
        _tables.Add((Client, table));
        await Dynalite.WaitActiveAsync(Client, table);
        await Client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["Id"] = S("x"), ["Created"] = S("yesterday") } });

        var store = new DynamoDbMetastore(Client, new DynamoDbMetastoreOptions { TableName = table });
        var e = await Assert.ThrowsAsync<MetastoreException>(async () => { await foreach (var _ in store.ListAsync()) { } });
        Assert.Contains("Created", e.Message, StringComparison.Ordinal);

        // And EnsureTableAsync refuses the schema instead of using it.
        var schema = await Assert.ThrowsAsync<MetastoreException>(() => store.EnsureTableAsync());
        Assert.Contains("Created (N)", schema.Message, StringComparison.Ordinal);
    }

    [MetastoreFact]
    public async Task List_PagesThroughAScanLargerThanOneResponse()
    {
        var store = await CreateStoreAsync();
        string id = NewId();

        // DynamoDB returns at most 1 MB per Scan page; 12 records of 100 KB need at least two.
        for (int i = 11; i >= 0; i--)
        {
            Assert.True(await store.StoreAsync(id, T0.AddSeconds(i), Record(T0.AddSeconds(i), (byte)i, length: 100_000)));
        }

        var firstPage = await Client.ScanAsync(new ScanRequest { TableName = store.TableName });
        Assert.True(firstPage.LastEvaluatedKey is { Count: > 0 }, "the test needs a scan of more than one page");

        var listed = new List<StoredKeyRecord>();
        await foreach (var row in store.ListAsync())
        {
            listed.Add(row);
        }

        Assert.Equal(Enumerable.Range(0, 12).Select(i => T0.AddSeconds(i)), listed.Select(r => r.Created));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (byte)i), listed.Select(r => r.Record.EncryptedKey.Span[0]));
    }

    [MetastoreFact]
    public async Task MissingTable_ThrowsNonTransientMetastoreException_NamingTheTable()
    {
        string table = Dynalite.NewTableName();
        var store = new DynamoDbMetastore(Client, new DynamoDbMetastoreOptions { TableName = table });

        foreach (var call in new Func<Task>[]
                 {
                     async () => await store.LoadAsync(NewId(), T0),
                     async () => await store.LoadLatestAsync(NewId()),
                     async () => await store.StoreAsync(NewId(), T0, Record(T0, 1)),
                     async () => { await foreach (var _ in store.ListAsync()) { } },
                 })
        {
            var e = await Assert.ThrowsAsync<MetastoreException>(call);
            Assert.False(e.IsTransient);
            Assert.Contains($"'{table}' does not exist", e.Message, StringComparison.Ordinal);
            Assert.IsType<ResourceNotFoundException>(e.InnerException);
        }
    }

    [MetastoreFact]
    public async Task UnreachableEndpoint_ThrowsTransientMetastoreException_NeverNotFound()
    {
        using var client = Dynalite.Client($"http://127.0.0.1:{Dynalite.ClosedPort()}", maxErrorRetry: 1, timeout: TimeSpan.FromSeconds(3));
        var store = new DynamoDbMetastore(client, new DynamoDbMetastoreOptions { TableName = Dynalite.NewTableName() });
        string id = NewId();

        foreach (var call in new Func<Task>[]
                 {
                     async () => await store.LoadAsync(id, T0),
                     async () => await store.LoadLatestAsync(id),
                     async () => await store.StoreAsync(id, T0, Record(T0, 1)),
                     async () => { await foreach (var _ in store.ListAsync()) { } },
                     () => store.EnsureTableAsync(),
                 })
        {
            var e = await Assert.ThrowsAsync<MetastoreException>(call);
            Assert.True(e.IsTransient, e.ToString());
        }
    }

    [MetastoreFact]
    public async Task Cancellation_IsNotTurnedIntoAMetastoreException()
    {
        var store = await CreateStoreAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.LoadAsync(NewId(), T0, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.LoadLatestAsync(NewId(), cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.StoreAsync(NewId(), T0, Record(T0, 1), cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => { await foreach (var _ in store.ListAsync(cancelled.Token)) { } });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.EnsureTableAsync(cancelled.Token));
    }

    [MetastoreFact]
    public async Task EnsureTable_CreatesTheCanonicalTable_AndIsIdempotent()
    {
        var store = await CreateStoreAsync();
        await store.EnsureTableAsync();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => store.EnsureTableAsync()));

        var table = (await Client.DescribeTableAsync(store.TableName)).Table;
        Assert.Equal(TableStatus.ACTIVE, table.TableStatus);
        Assert.Equal(BillingMode.PAY_PER_REQUEST, table.BillingModeSummary?.BillingMode);
        Assert.Equal(["Id:HASH", "Created:RANGE"], table.KeySchema.Select(k => $"{k.AttributeName}:{k.KeyType.Value}"));
        Assert.Equal(["Created:N", "Id:S"], table.AttributeDefinitions.Select(a => $"{a.AttributeName}:{a.AttributeType.Value}").Order(StringComparer.Ordinal));
    }

    [MetastoreFact]
    public async Task KeySuffix_IsEachInstancesOwn_NotTheLastBuilt()
    {
        // Canonical C# keeps the suffix flag in a static field; building a second metastore must not change the first.
        using var west = Dynalite.Client(region: "us-west-2");
        var suffixed = new DynamoDbMetastore(west, new DynamoDbMetastoreOptions { EnableRegionSuffix = true });
        var plain = new DynamoDbMetastore(west);
        var explicitSuffix = new DynamoDbMetastore(west, new DynamoDbMetastoreOptions { RegionSuffix = "eu-west-1", EnableRegionSuffix = true });

        Assert.Equal("us-west-2", suffixed.KeySuffix);
        Assert.Null(plain.KeySuffix);
        Assert.Equal("eu-west-1", explicitSuffix.KeySuffix);
        Assert.Equal("us-west-2", suffixed.KeySuffix);

        var store = await CreateStoreAsync();
        Assert.Null(store.KeySuffix);
    }

    [MetastoreFact]
    public async Task DataRowRecords_ReferToKeysInTheTable()
    {
        var store = await CreateStoreAsync();
        using var factory = SessionFactory.NewBuilder("product", "service")
            .WithMetastore(store)
            .WithNeverExpiredCryptoPolicy()
            .WithStaticKeyManagementService("thisIsAStaticMasterKeyForTesting")
            .Build();
        using var session = factory.GetSessionBytes("partition");
        byte[] drr = await session.EncryptAsync([1, 2, 3]);

        using var json = JsonDocument.Parse(drr);
        var meta = json.RootElement.GetProperty("Key").GetProperty("ParentKeyMeta");
        string ikId = meta.GetProperty("KeyId").GetString()!;
        var ikCreated = DateTimeOffset.FromUnixTimeSeconds(meta.GetProperty("Created").GetInt64());
        Assert.Equal("_IK_partition_service_product", ikId);
        var ik = await store.LoadAsync(ikId, ikCreated);
        Assert.Equal("_SK_service_product", ik!.ParentKeyMeta!.KeyId);
        Assert.Equal([1, 2, 3], await session.DecryptAsync(drr));
    }
}

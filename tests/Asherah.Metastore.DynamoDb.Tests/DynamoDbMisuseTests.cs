using Amazon.DynamoDBv2.Model;
using Asherah.Envelope;
using Asherah.Metastore;
using Asherah.Tests.Shared;

namespace Asherah.Metastore.DynamoDb.Tests;

/// <summary>
/// <see cref="DynamoDbMetastore"/> under misuse on dynalite: null arguments, ids, times and records at DynamoDB's limits,
/// table names DynamoDB refuses, and calls after the metastore disposed the client it owns. Every outcome is a faithful
/// round trip or a typed exception; nothing is stored under another key.
/// </summary>
[RequiresEnvironment(Dynalite.Variable, Dynalite.HowToSet)]
public sealed class DynamoDbMisuseTests : IAsyncLifetime
{
    private readonly string _table = Dynalite.NewTableName();
    private readonly Amazon.DynamoDBv2.AmazonDynamoDBClient _client = Dynalite.Client();
    private DynamoDbMetastore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new DynamoDbMetastore(_client, new DynamoDbMetastoreOptions { TableName = _table });
        await _store.EnsureTableAsync();
    }

    public async Task DisposeAsync()
    {
        await _client.DeleteTableAsync(_table);
        _client.Dispose();
    }

    private static EnvelopeKeyRecord Record(DateTimeOffset created, int length = 60) =>
        new(created, Enumerable.Range(0, length).Select(i => (byte)i).ToArray(), new KeyMeta("_SK_service_product", created), revoked: false);

    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_040);

    [MetastoreFact]
    public async Task NullArguments_ThrowArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => new DynamoDbMetastore(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await _store.LoadAsync(null!, T0));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await _store.LoadLatestAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await _store.StoreAsync(null!, T0, Record(T0)));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await _store.StoreAsync("_IK_p_s_p", T0, null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await _store.RevokeAsync(null!, T0));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("ab c")]
    [InlineData("table;DROP")]
    [InlineData("t\u00e4ble")]
    public void TableNamesDynamoDbRefuses_AreRefusedWhenSet_NamingTheRule(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => new DynamoDbMetastoreOptions { TableName = name });
        Assert.Contains("DynamoDB table name", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new DynamoDbMetastoreOptions { TableName = new string('t', 256) });
        Assert.Throws<ArgumentException>(() => new DynamoDbMetastoreOptions { TableName = null! });
    }

    [Theory]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(2048)]
    public async Task LongIds_RoundTrip_UpToDynamoDbsKeyLimit_AndAreRefusedTypedBeyondIt(int length)
    {
        string id = new('i', length);
        await RoundTripOrRefusedAsync(id, T0, Record(T0), holds: length <= 2048);
    }

    [Theory]
    [InlineData("_IK_nul\0inside_service_product")]
    [InlineData("_IK_\u00e9t\u00e9-\u65e5\u672c-\U0001F511_service_product")]
    [InlineData(" _IK_ spaces ")]
    public async Task OddIds_RoundTripExactly(string id) => await RoundTripOrRefusedAsync(id, T0, Record(T0), holds: true);

    [MetastoreFact]
    public async Task AnEmptyId_IsRefusedTyped_NotStored() =>
        await RoundTripOrRefusedAsync(string.Empty, T0, Record(T0), holds: false);

    [Theory]
    [InlineData(0L)]
    [InlineData(-86_400L)]
    [InlineData(2_147_483_648L)]
    [InlineData(253_402_300_799L)]
    public async Task EdgeCreatedTimes_RoundTripExactly(long seconds)
    {
        var created = DateTimeOffset.FromUnixTimeSeconds(seconds);
        await RoundTripOrRefusedAsync("_IK_" + Guid.NewGuid().ToString("N"), created, Record(created), holds: true);
    }

    [MetastoreFact]
    public async Task AOneMegabyteRecord_IsRefusedTyped_AboveDynamoDbsItemLimit_WithoutKeyBytesInTheMessage()
    {
        var record = Record(T0, length: 786_432);
        string id = "_IK_" + Guid.NewGuid().ToString("N");
        var e = await Assert.ThrowsAsync<MetastoreException>(async () => await _store.StoreAsync(id, T0, record));
        Assert.False(e.IsTransient, e.ToString());
        Assert.DoesNotContain(Convert.ToBase64String(record.EncryptedKey.Span[..48]), e.Message, StringComparison.Ordinal);
        Assert.Null(await _store.LoadLatestAsync(id));
    }

    [MetastoreFact]
    public async Task AfterDisposingItsOwnClient_EveryCallThrowsObjectDisposed_AndDisposeIsIdempotent()
    {
        var owned = new DynamoDbMetastore(Dynalite.Client(), new DynamoDbMetastoreOptions { TableName = _table }, logger: null, ownsClient: true);
        Assert.True(await owned.StoreAsync("_SK_s_p", T0, Record(T0)));
        owned.Dispose();
        owned.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await owned.LoadAsync("_SK_s_p", T0));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await owned.LoadLatestAsync("_SK_s_p"));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await owned.StoreAsync("_SK_s_p2", T0, Record(T0)));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await owned.RevokeAsync("_SK_s_p", T0));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => { await foreach (var _ in owned.ListAsync()) { } });
        await Assert.ThrowsAsync<ObjectDisposedException>(() => owned.EnsureTableAsync());
    }

    private async Task RoundTripOrRefusedAsync(string id, DateTimeOffset created, EnvelopeKeyRecord record, bool holds)
    {
        if (holds)
        {
            Assert.True(await _store.StoreAsync(id, created, record));
            Assert.Equal(record.ToJson(), (await _store.LoadAsync(id, created))?.ToJson());
            Assert.Equal(record.ToJson(), (await _store.LoadLatestAsync(id))?.ToJson());
            Assert.False(await _store.StoreAsync(id, created, Record(created, 48)));
            Assert.True(await _store.RevokeAsync(id, created));
            Assert.True((await _store.LoadAsync(id, created))!.IsRevoked);
            return;
        }

        var e = await Assert.ThrowsAsync<MetastoreException>(async () => await _store.StoreAsync(id, created, record));
        Assert.False(e.IsTransient, e.ToString());
        var scan = await _client.ScanAsync(new ScanRequest { TableName = _table });
        Assert.DoesNotContain(scan.Items, item => item["Id"].S == id);
    }
}

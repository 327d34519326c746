using System.Data.Common;
using Asherah.Envelope;
using Asherah.Metastore;

namespace Asherah.Metastore.Sql.Tests.Misuse;

/// <summary>
/// <see cref="SqlMetastore"/> under misuse, on each dialect's real database (a table of the test's own): null and
/// cancelled arguments, ids, times and records at the edges of the column types, rows damaged by hand, and calls after
/// the data source is disposed. Every outcome is a typed exception or a faithful round trip; a damaged row is never
/// "not found", and a value the column cannot hold is never stored as another.
/// </summary>
public abstract class SqlMisuseContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_040);

    /// <summary>A data source over a database (schema, file) of this test's own, so damaged rows reach no other test.</summary>
    protected abstract Task<DbDataSource> CreateIsolatedDataSourceAsync();

    protected abstract SqlDialect Dialect { get; }

    /// <summary>
    /// Whether the dialect's table holds <paramref name="created"/> (MySQL's TIMESTAMP ends in 2038), or
    /// <see langword="null"/> when it depends on the server (a time near the edge of the range, read in the server's zone).
    /// </summary>
    protected virtual bool? Holds(DateTimeOffset created) => true;

    /// <summary>Whether the dialect's table holds a key record of <paramref name="jsonLength"/> characters.</summary>
    protected virtual bool HoldsRecord(int jsonLength) => true;

    /// <summary>Whether the dialect's table holds <paramref name="keyId"/>.</summary>
    protected virtual bool HoldsId(string keyId) => true;

    protected DbDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync() => DataSource = await CreateIsolatedDataSourceAsync();

    public virtual async Task DisposeAsync() => await DataSource.DisposeAsync();

    private async Task<SqlMetastore> CreateStoreAsync()
    {
        var store = new SqlMetastore(DataSource, Dialect);
        await store.EnsureSchemaAsync();
        return store;
    }

    private static string NewId() => "_IK_" + Guid.NewGuid().ToString("N") + "_service_product";

    private static EnvelopeKeyRecord Record(DateTimeOffset created, int keyLength = 60) =>
        new(created, Enumerable.Range(0, keyLength).Select(i => (byte)i).ToArray(), new KeyMeta("_SK_service_product", created), revoked: false);

    private async Task InsertRawAsync(string id, DateTimeOffset created, string keyRecord)
    {
        await using var command = DataSource.CreateCommand("INSERT INTO encryption_key (id, created, key_record) VALUES (@id, @created, @key_record)");
        Add(command, "id", id);
        Add(command, "created", Dialect.ToDbValue(created));
        Add(command, "key_record", keyRecord);
        await command.ExecuteNonQueryAsync();
    }

    protected async Task<int> CountAsync(string id)
    {
        await using var command = DataSource.CreateCommand("SELECT id FROM encryption_key");
        await using var reader = await command.ExecuteReaderAsync();
        int count = 0;
        while (await reader.ReadAsync())
        {
            var value = reader.GetValue(0);
            if ((value is byte[] bytes ? System.Text.Encoding.UTF8.GetString(bytes) : (string)value) == id)
            {
                count++;
            }
        }

        return count;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    [Fact]
    public async Task NullArguments_ThrowArgumentNullException_BeforeAnyStatement()
    {
        Assert.Throws<ArgumentNullException>(() => new SqlMetastore(null!, Dialect));
        Assert.Throws<ArgumentNullException>(() => new SqlMetastore(DataSource, null!));
        var store = await CreateStoreAsync();
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await store.LoadAsync(null!, T0));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await store.LoadLatestAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await store.StoreAsync(null!, T0, Record(T0)));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await store.StoreAsync(NewId(), T0, null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await store.RevokeAsync(null!, T0));
    }

    [Fact]
    public async Task AlreadyCancelledToken_ThrowsOperationCanceled_OnEveryOperation_AndStoresNothing()
    {
        var store = await CreateStoreAsync();
        string id = NewId();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.LoadAsync(id, T0, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.LoadLatestAsync(id, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.StoreAsync(id, T0, Record(T0), cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.RevokeAsync(id, T0, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => { await foreach (var _ in store.ListAsync(cancelled.Token)) { } });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.EnsureSchemaAsync(cancelled.Token));
        Assert.Equal(0, await CountAsync(id));
    }

    public static TheoryData<string, string> DamagedRecords() => new()
    {
        { "not JSON", "this is not json" },
        { "empty text", "" },
        { "a JSON array", "[]" },
        { "JSON null", "null" },
        { "a JSON string", "\"text\"" },
        { "an empty object", "{}" },
        { "Created as a string", "{\"Created\":\"1700000040\",\"Key\":\"AAAA\"}" },
        { "Key as a number", "{\"Created\":1700000040,\"Key\":5}" },
        { "no Key", "{\"Created\":1700000040}" },
        { "Key not base64", "{\"Created\":1700000040,\"Key\":\"!!not base64!!\"}" },
        { "ParentKeyMeta as a string", "{\"Created\":1700000040,\"Key\":\"AAAA\",\"ParentKeyMeta\":\"_SK_s_p\"}" },
        { "Revoked as a string", "{\"Created\":1700000040,\"Key\":\"AAAA\",\"Revoked\":\"yes\"}" },
        { "truncated", "{\"Created\":1700000040,\"Key\":\"AAAA" },
        { "nested 10,000 deep", new string('[', 10_000) + new string(']', 10_000) },
    };

    [Theory]
    [MemberData(nameof(DamagedRecords))]
    public async Task DamagedRow_ThrowsNonTransientMetastoreException_OnEveryRead_NeverNotFound(string what, string keyRecord)
    {
        var store = await CreateStoreAsync();
        string id = NewId();
        await InsertRawAsync(id, T0, keyRecord);

        foreach (var (operation, read) in new (string, Func<Task>)[]
                 {
                     ("load", async () => await store.LoadAsync(id, T0)),
                     ("load latest", async () => await store.LoadLatestAsync(id)),
                     ("revoke", async () => await store.RevokeAsync(id, T0)),
                     ("list", async () => { await foreach (var _ in store.ListAsync()) { } }),
                 })
        {
            var e = await Assert.ThrowsAsync<MetastoreException>(read);
            Assert.False(e.IsTransient, $"{what}, {operation}");
            Assert.Contains(id, e.Message, StringComparison.Ordinal);
            if (keyRecord.Length > 4)
            {
                Assert.DoesNotContain(keyRecord, e.Message, StringComparison.Ordinal);
            }
        }

        // The damaged row is left as it was (revoke did not overwrite it).
        Assert.Equal(1, await CountAsync(id));
    }

    public static TheoryData<string> EdgeIds() => new()
    {
        new string('i', 255),
        new string('i', 256),
        "_IK_\u00e9t\u00e9-\u65e5\u672c-\U0001F511_service_product",
        "_IK_nul\0inside_service_product",
        "_IK_quote'\"; DROP TABLE encryption_key; --_service_product",
        " _IK_ leading and trailing spaces ",
    };

    [Theory]
    [MemberData(nameof(EdgeIds))]
    public async Task EdgeIds_RoundTripExactly_OrFailTyped_AndInjectNothing(string baseId)
    {
        var store = await CreateStoreAsync();
        string id = baseId.Length >= 255 ? baseId : baseId + Guid.NewGuid().ToString("N")[..8];
        var record = Record(T0);
        if (HoldsId(id))
        {
            Assert.True(await store.StoreAsync(id, T0, record));
            Assert.Equal(record.ToJson(), (await store.LoadAsync(id, T0))?.ToJson());
            Assert.Equal(record.ToJson(), (await store.LoadLatestAsync(id))?.ToJson());
            Assert.True(await store.RevokeAsync(id, T0));
            Assert.True((await store.LoadAsync(id, T0))!.IsRevoked);
            Assert.Contains(await ToListAsync(store), r => r.KeyId == id);
        }
        else
        {
            var e = await Assert.ThrowsAsync<MetastoreException>(async () => await store.StoreAsync(id, T0, record));
            Assert.False(e.IsTransient, e.ToString());
            Assert.Equal(0, await CountAsync(id));
            await ThrowsTypedOrReturnsNullAsync(async () => await store.LoadAsync(id, T0));
            await ThrowsTypedOrReturnsNullAsync(async () => await store.LoadLatestAsync(id));
        }

        // The table is still there and still works.
        string other = NewId();
        Assert.True(await store.StoreAsync(other, T0, record));
        Assert.NotNull(await store.LoadLatestAsync(other));
    }

    private static async Task ThrowsTypedOrReturnsNullAsync(Func<Task<EnvelopeKeyRecord?>> read)
    {
        try
        {
            Assert.Null(await read());
        }
        catch (MetastoreException e)
        {
            Assert.False(e.IsTransient, e.ToString());
        }
    }

    public static TheoryData<long> EdgeTimes() => new()
    {
        0,                                                   // 1970-01-01 00:00:00
        15_552_000,                                          // 1970-06-29
        2_147_483_647,                                       // 2038-01-19 03:14:07, MySQL's last TIMESTAMP
        2_147_483_648,                                       // one second later
        4_102_444_800,                                       // 2100-01-01
        253_402_300_799,                                     // 9999-12-31 23:59:59
        DateTimeOffset.MinValue.ToUnixTimeSeconds() + 86_400, // 0001-01-02
    };

    [Theory]
    [MemberData(nameof(EdgeTimes))]
    public async Task EdgeCreatedTimes_RoundTripExactly_OrAreRefused_NeverStoredAsAnotherTime(long seconds)
    {
        var store = await CreateStoreAsync();
        string id = NewId();
        var created = DateTimeOffset.FromUnixTimeSeconds(seconds);
        var record = Record(created);
        bool holds;
        try
        {
            holds = await store.StoreAsync(id, created, record);
            Assert.True(holds);
            Assert.NotEqual(false, Holds(created));
        }
        catch (MetastoreException e) when (Holds(created) is not true)
        {
            Assert.False(e.IsTransient, e.ToString());
            holds = false;
        }

        if (holds)
        {
            Assert.Equal(record.ToJson(), (await store.LoadAsync(id, created))?.ToJson());
            Assert.Equal(record.ToJson(), (await store.LoadLatestAsync(id))?.ToJson());
            Assert.Equal(created, Assert.Single(await ToListAsync(store), r => r.KeyId == id).Created);
            Assert.False(await store.StoreAsync(id, created, Record(created, 48)));
        }
        else
        {
            Assert.Equal(0, await CountAsync(id));
            Assert.Null(await store.LoadLatestAsync(id));
            await ThrowsTypedOrReturnsNullAsync(async () => await store.LoadAsync(id, created));
        }
    }

    [Fact]
    public async Task AOneMegabyteRecord_RoundTrips_OrIsRefused_NeverTruncated()
    {
        var store = await CreateStoreAsync();
        string id = NewId();
        var record = Record(T0, keyLength: 786_432); // 1 MiB of base64
        int length = record.ToJson().Length;
        if (HoldsRecord(length))
        {
            Assert.True(await store.StoreAsync(id, T0, record));
            Assert.Equal(record.ToJson(), (await store.LoadAsync(id, T0))?.ToJson());
        }
        else
        {
            var e = await Assert.ThrowsAsync<MetastoreException>(async () => await store.StoreAsync(id, T0, record));
            Assert.False(e.IsTransient, e.ToString());
            Assert.DoesNotContain(Convert.ToBase64String(record.EncryptedKey.Span[..48]), e.Message, StringComparison.Ordinal);
            Assert.Equal(0, await CountAsync(id));
        }
    }

    private static async Task<List<StoredKeyRecord>> ToListAsync(SqlMetastore store)
    {
        var list = new List<StoredKeyRecord>();
        await foreach (var row in store.ListAsync())
        {
            list.Add(row);
        }

        return list;
    }
}

using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using Asherah.Envelope;
using Asherah.Metastore;
using Asherah.Tests.Shared;
using Npgsql;

namespace Asherah.Metastore.Sql.Tests;

/// <summary>
/// The metastore contract and the PostgreSQL specifics against a real server whose connection string is in
/// <c>ASHERAH_TEST_POSTGRES</c> (<c>scripts/test.sh</c> starts one with <c>scripts/postgres.sh</c>, in zone
/// Asia/Kolkata, +05:30). Unset: every test is skipped, or fails when <c>CI</c> is set.
/// </summary>
/// <remarks>
/// Time zone decision: <c>created</c> holds the UTC wall-clock (the table's contract and canonical §8.3's "UTC
/// everywhere"). The dialect binds it as <c>timestamp without time zone</c>, so no server or session zone shifts it.
/// Canonical C# (Npgsql, <c>created.UtcDateTime</c>, sent as <c>timestamptz</c>) writes the same value when its session
/// is UTC, and those rows are found; through a non-UTC session it writes that zone's wall-clock, which no UTC reader
/// (this one, canonical Go or Java) finds at the key's time: the deployment must keep canonical's sessions in UTC.
/// </remarks>
[RequiresPostgres]
public sealed class PostgresMetastoreTests : MetastoreContract, IDisposable
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_040); // 2023-11-14 22:14:00Z

    private readonly List<NpgsqlDataSource> _sources = [];
    private readonly List<string> _scratchSchemas = [];

    private static string ConnectionString => PostgresServer.ConnectionString;

    protected override async Task<IMetastore> CreateAsync() => await CreateStoreAsync(null);

    protected override async Task<CanonicalTable> CreateEmptyAsync()
    {
        // A schema of its own, first on the search path of both the metastore and the canonical writer.
        string schema = "asherah_" + Guid.NewGuid().ToString("N");
        _scratchSchemas.Add(schema);
        await using (var command = Source(null).CreateCommand($"CREATE SCHEMA {schema}"))
        {
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = schema };
        var store = new SqlMetastore(Source(null, builder.ConnectionString), SqlDialect.Postgres);
        await store.EnsureSchemaAsync();
        // Canonical through a UTC session, the deployment rule for sharing the table (see the remarks above).
        var canonical = Source("UTC", builder.ConnectionString);
        return new CanonicalTable(store, (id, created, json) => CanonicalAdoWriter.InsertAsync(canonical, id, created, json));
    }

    private async Task<SqlMetastore> CreateStoreAsync(string? sessionZone)
    {
        var store = new SqlMetastore(Source(sessionZone), SqlDialect.Postgres);
        await store.EnsureSchemaAsync();
        return store;
    }

    /// <summary>A data source whose sessions use <paramref name="sessionZone"/>, or the server's zone when null.</summary>
    private NpgsqlDataSource Source(string? sessionZone, string? connectionString = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString ?? ConnectionString);
        if (sessionZone is not null)
        {
            builder.Timezone = sessionZone;
        }

        var source = NpgsqlDataSource.Create(builder.ConnectionString);
        _sources.Add(source);
        return source;
    }

    private static string NewId() => "_IK_" + Guid.NewGuid().ToString("N") + "_service_product";

    private static EnvelopeKeyRecord Record(DateTimeOffset created, byte fill) =>
        new(created, Enumerable.Repeat(fill, 60).ToArray(), new KeyMeta("_SK_service_product", created), revoked: false);

    private async Task<string?> RawCreatedAsync(string id, string sessionZone)
    {
        await using var command = Source(sessionZone).CreateCommand("SELECT created::text FROM encryption_key WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        return (string?)await command.ExecuteScalarAsync();
    }

    /// <summary>Inserts a row the way canonical C# <c>AdoMetastoreImpl</c> does over Npgsql: created = UtcDateTime.</summary>
    private async Task InsertAsCanonicalAsync(string id, DateTimeOffset created, EnvelopeKeyRecord record, string sessionZone)
    {
        await using var command = Source(sessionZone).CreateCommand(
            "INSERT INTO encryption_key (id, created, key_record) VALUES (@id, @created, @key_record)");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("created", created.UtcDateTime);
        command.Parameters.AddWithValue("key_record", record.ToJson());
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    [MetastoreFact]
    public async Task EnsureSchema_IsIdempotent()
    {
        var store = await CreateStoreAsync(null);
        await store.EnsureSchemaAsync();
    }

    [MetastoreFact]
    public async Task SessionZones_AreApplied_SoTheTimeZoneTestsMeanSomething()
    {
        // The tests below force session zones (scripts/postgres.sh also runs the server itself in Asia/Kolkata).
        foreach (var zone in new[] { "Asia/Kolkata", "America/Los_Angeles" })
        {
            await using var command = Source(zone).CreateCommand("SHOW TimeZone");
            Assert.Equal(zone, (string?)await command.ExecuteScalarAsync());
        }
    }

    [MetastoreFact]
    public async Task Created_IsStoredAsUtcWallClock_WhateverTheSessionZone()
    {
        string kolkata = NewId(), losAngeles = NewId(), serverDefault = NewId();
        Assert.True(await (await CreateStoreAsync("Asia/Kolkata")).StoreAsync(kolkata, T0, Record(T0, 1)));
        Assert.True(await (await CreateStoreAsync("America/Los_Angeles")).StoreAsync(losAngeles, T0, Record(T0, 2)));
        Assert.True(await (await CreateStoreAsync(null)).StoreAsync(serverDefault, T0, Record(T0, 3)));

        foreach (var id in new[] { kolkata, losAngeles, serverDefault })
        {
            // Read raw through sessions in other zones: a timestamp without time zone is never converted.
            Assert.Equal("2023-11-14 22:14:00", await RawCreatedAsync(id, "UTC"));
            Assert.Equal("2023-11-14 22:14:00", await RawCreatedAsync(id, "Pacific/Auckland"));

            // And every metastore finds it, whatever its session zone.
            foreach (var zone in new[] { "UTC", "Asia/Kolkata", "America/Los_Angeles" })
            {
                var store = await CreateStoreAsync(zone);
                Assert.NotNull(await store.LoadAsync(id, T0));
                Assert.Equal(T0, (await store.LoadLatestAsync(id))!.Created);
            }
        }
    }

    [MetastoreFact]
    public async Task List_ReadsCreatedBackAsUtc()
    {
        string id = NewId();
        var store = await CreateStoreAsync("Asia/Kolkata");
        Assert.True(await store.StoreAsync(id, T0, Record(T0, 4)));

        StoredKeyRecord? found = null;
        await foreach (var row in (await CreateStoreAsync("America/Los_Angeles")).ListAsync())
        {
            if (row.KeyId == id)
            {
                found = row;
            }
        }

        Assert.NotNull(found);
        Assert.Equal(T0, found.Created);
        Assert.Equal(TimeSpan.Zero, found.Created.Offset);
    }

    [MetastoreFact]
    public async Task CanonicalRow_WrittenThroughUtcSession_IsFound()
    {
        string id = NewId();
        var record = Record(T0, 5);
        await CreateStoreAsync(null); // the table
        await InsertAsCanonicalAsync(id, T0, record, "UTC");

        Assert.Equal("2023-11-14 22:14:00", await RawCreatedAsync(id, "UTC"));
        foreach (var zone in new string?[] { null, "Asia/Kolkata", "UTC" })
        {
            var store = await CreateStoreAsync(zone);
            Assert.Equal(record.ToJson(), (await store.LoadAsync(id, T0))?.ToJson());
            Assert.Equal(record.ToJson(), (await store.LoadLatestAsync(id))?.ToJson());
            Assert.False(await store.StoreAsync(id, T0, Record(T0, 6)));
        }
    }

    [MetastoreFact]
    public async Task OurRow_IsFoundByCanonicalLoad_ThroughUtcSession()
    {
        string id = NewId();
        var record = Record(T0, 7);
        Assert.True(await (await CreateStoreAsync("Asia/Kolkata")).StoreAsync(id, T0, record));

        // Canonical load: SELECT … created = @created with created.UtcDateTime (sent as timestamptz).
        await using var command = Source("UTC").CreateCommand("SELECT key_record from encryption_key where id = @id and created = @created");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("created", T0.UtcDateTime);
        Assert.Equal(record.ToJson(), (string?)await command.ExecuteScalarAsync());
    }

    [MetastoreFact]
    public async Task CanonicalRow_WrittenThroughNonUtcSession_IsShifted_AndNotFoundAtItsTime()
    {
        // The §8.3 hazard, pinned: Npgsql sends a Utc DateTime as timestamptz and the server stores the session zone's
        // wall-clock (+05:30). Such a row is not the key at T0 in the shared UTC table; it must not be returned as one.
        string id = NewId();
        await CreateStoreAsync(null);
        await InsertAsCanonicalAsync(id, T0, Record(T0, 8), "Asia/Kolkata");

        Assert.Equal("2023-11-15 03:44:00", await RawCreatedAsync(id, "UTC"));
        Assert.Null(await (await CreateStoreAsync("Asia/Kolkata")).LoadAsync(id, T0));
    }

    [MetastoreFact]
    public async Task Store_Duplicate_ReturnsFalse_AndKeepsTheFirst()
    {
        string id = NewId();
        var first = await CreateStoreAsync("Asia/Kolkata");
        var second = await CreateStoreAsync("America/Los_Angeles");

        Assert.True(await first.StoreAsync(id, T0, Record(T0, 9)));
        Assert.False(await second.StoreAsync(id, T0, Record(T0, 10)));
        Assert.Equal(Record(T0, 9).ToJson(), (await second.LoadAsync(id, T0))?.ToJson());
    }

    [MetastoreFact]
    public async Task BrokenConnection_ThrowsTransientMetastoreException_NeverNotFound()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Host = "127.0.0.1", Port = FreePort(), Timeout = 3 };
        var store = new SqlMetastore(Source(null, builder.ConnectionString), SqlDialect.Postgres);
        string id = NewId();

        foreach (var call in new Func<Task>[]
                 {
                     async () => await store.LoadAsync(id, T0),
                     async () => await store.LoadLatestAsync(id),
                     async () => await store.StoreAsync(id, T0, Record(T0, 11)),
                     () => store.EnsureSchemaAsync(),
                 })
        {
            var e = await Assert.ThrowsAsync<MetastoreException>(call);
            Assert.True(e.IsTransient, e.ToString());
            Assert.IsAssignableFrom<DbException>(e.InnerException);
        }
    }

    [MetastoreFact]
    public async Task Load_WithoutTable_ThrowsNonTransientMetastoreException()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = "asherah_no_such_schema" };
        var store = new SqlMetastore(Source(null, builder.ConnectionString), SqlDialect.Postgres);

        var e = await Assert.ThrowsAsync<MetastoreException>(async () => await store.LoadLatestAsync(NewId()));
        Assert.False(e.IsTransient);
        Assert.Equal("42P01", ((DbException)e.InnerException!).SqlState);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (_scratchSchemas.Count > 0)
        {
            using var source = NpgsqlDataSource.Create(ConnectionString);
            foreach (string schema in _scratchSchemas)
            {
                using var command = source.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
                command.ExecuteNonQuery();
            }
        }

        foreach (var source in _sources)
        {
            source.Dispose();
        }
    }
}

/// <summary>How the PostgreSQL dialect classifies errors by SQLSTATE (no server needed).</summary>
public sealed class PostgresDialectTests
{
    private sealed class StateException(string? state, bool transient = false) : DbException("test")
    {
        public override string? SqlState => state;

        public override bool IsTransient => transient;
    }

    [Theory]
    [InlineData("08000")]
    [InlineData("08001")]
    [InlineData("08006")]
    [InlineData("40001")]
    [InlineData("40P01")]
    [InlineData("57P01")]
    [InlineData("57P02")]
    [InlineData("57P03")]
    [InlineData("53000")]
    [InlineData("53300")]
    public void TransientStates(string state)
    {
        Assert.True(SqlDialect.Postgres.IsTransient(new StateException(state)));
        Assert.False(SqlDialect.Postgres.IsDuplicateKey(new StateException(state)));
    }

    [Theory]
    [InlineData("23505", false, true)]
    [InlineData("23503", false, false)]
    [InlineData("42P01", false, false)]
    [InlineData("57014", false, false)] // query cancelled
    [InlineData("22008", false, false)]
    [InlineData(null, false, false)]
    [InlineData(null, true, false)]
    public void OtherStates(string? state, bool driverSaysTransient, bool duplicate)
    {
        Assert.Equal(driverSaysTransient, SqlDialect.Postgres.IsTransient(new StateException(state, driverSaysTransient)));
        Assert.Equal(duplicate, SqlDialect.Postgres.IsDuplicateKey(new StateException(state, driverSaysTransient)));
    }

    [Fact]
    public void Created_IsBoundAsUnspecifiedUtcWallClock()
    {
        var value = Assert.IsType<DateTime>(SqlDialect.Postgres.ToDbValue(DateTimeOffset.FromUnixTimeSeconds(1_700_000_040).ToOffset(TimeSpan.FromHours(5.5))));
        Assert.Equal(DateTimeKind.Unspecified, value.Kind);
        Assert.Equal(new DateTime(2023, 11, 14, 22, 14, 0), value);
        Assert.Equal("postgres", SqlDialect.Postgres.Name);
    }
}

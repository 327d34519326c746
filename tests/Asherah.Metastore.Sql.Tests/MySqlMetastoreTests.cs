using System.Data.Common;
using Asherah.Envelope;
using Asherah.Metastore;
using Asherah.Tests.Shared;
using MySqlConnector;

namespace Asherah.Metastore.Sql.Tests;

/// <summary>
/// The metastore contract, canonical compatibility and exact ids over a real MySQL/MariaDB server: the one
/// <c>scripts/mariadb.sh</c> starts (time zone +05:00, Debian's default collation), named by <c>ASHERAH_TEST_MYSQL</c>.
/// </summary>
[RequiresMySql]
public sealed class MySqlMetastoreTests : MetastoreContract, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_040);
    private readonly List<MySqlDataSource> _dataSources = [];
    private readonly List<string> _scratchDatabases = [];

    protected override async Task<IMetastore> CreateAsync() => await CreateStoreAsync(MySqlServer.ConnectionString);

    protected override async Task<CanonicalTable> CreateEmptyAsync()
    {
        string database = "asherah_vectors_" + Guid.NewGuid().ToString("N");
        _scratchDatabases.Add(database);
        await using (var connection = await OpenAsync())
        await using (var command = new MySqlCommand($"CREATE DATABASE {database}", connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        string connectionString = new MySqlConnectionStringBuilder(MySqlServer.ConnectionString) { Database = database }.ConnectionString;
        var store = await CreateStoreAsync(connectionString);
        // Canonical over MySqlConnector in the server's default session zone (+05:00 here), as it runs.
        var canonical = new MySqlDataSource(connectionString);
        _dataSources.Add(canonical);
        return new CanonicalTable(store, (id, created, json) => CanonicalAdoWriter.InsertAsync(canonical, id, created, json));
    }

    private async Task<SqlMetastore> CreateStoreAsync(string connectionString, bool ensureSchema = true)
    {
        var dataSource = new MySqlDataSource(connectionString);
        _dataSources.Add(dataSource);
        var store = new SqlMetastore(dataSource, SqlDialect.MySql);
        if (ensureSchema)
        {
            await store.EnsureSchemaAsync();
        }

        return store;
    }

    private static EnvelopeKeyRecord Record(DateTimeOffset created, byte fill) =>
        new(created, Enumerable.Repeat(fill, 60).ToArray(), new KeyMeta("_SK_service_product", created), revoked: false);

    private static string Unique(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N");

    private static async Task<MySqlConnection> OpenAsync(string? connectionString = null)
    {
        var connection = new MySqlConnection(connectionString ?? MySqlServer.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    [Fact]
    public async Task Server_RunsInANonUtcTimeZone()
    {
        await using var connection = await OpenAsync();
        await using var command = new MySqlCommand("SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), NOW())", connection);
        Assert.NotEqual(0L, Convert.ToInt64(await command.ExecuteScalarAsync()));
    }

    [Fact]
    public async Task CanonicalRow_OnANonUtcServer_IsFoundByLoad()
    {
        var store = await CreateAsync();
        string id = Unique("_IK_canonical");
        var record = Record(T0, 5);

        // As canonical C# AdoMetastoreImpl stores: parameters without '@', created = UtcDateTime (Kind=Utc), the
        // server's default session zone.
        await using (var connection = await OpenAsync())
        await using (var command = new MySqlCommand("INSERT INTO encryption_key (id, created, key_record) VALUES (@id, @created, @key_record)", connection))
        {
            command.Parameters.Add(new MySqlParameter { ParameterName = "id", Value = id });
            command.Parameters.Add(new MySqlParameter { ParameterName = "created", Value = T0.UtcDateTime });
            command.Parameters.Add(new MySqlParameter { ParameterName = "key_record", Value = record.ToJson() });
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        Assert.Equal(record.ToJson(), (await store.LoadAsync(id, T0))?.ToJson());
        Assert.Equal(record.ToJson(), (await store.LoadLatestAsync(id))?.ToJson());
        var listed = new List<StoredKeyRecord>();
        await foreach (var row in ((IMetastoreCatalog)store).ListAsync())
        {
            if (row.KeyId == id)
            {
                listed.Add(row);
            }
        }

        Assert.Equal([T0], listed.Select(r => r.Created));
    }

    [Fact]
    public async Task OurRow_OnANonUtcServer_IsFoundByCanonicalQueries()
    {
        var store = await CreateAsync();
        string id = Unique("_IK_ours");
        var record = Record(T0, 6);
        Assert.True(await store.StoreAsync(id, T0, record));

        await using var connection = await OpenAsync();
        await using (var load = new MySqlCommand("SELECT key_record from encryption_key where id = @id and created = @created", connection))
        {
            load.Parameters.Add(new MySqlParameter { ParameterName = "id", Value = id });
            load.Parameters.Add(new MySqlParameter { ParameterName = "created", Value = T0.UtcDateTime });
            Assert.Equal(record.ToJson(), await load.ExecuteScalarAsync());
        }

        // The column holds the UTC wall-clock text, as canonical writes it, whatever the server's zone.
        await using var text = new MySqlCommand("SELECT DATE_FORMAT(created, '%Y-%m-%d %H:%i:%s') FROM encryption_key WHERE id = @id", connection);
        text.Parameters.AddWithValue("id", id);
        Assert.Equal("2023-11-14 22:14:00", await text.ExecuteScalarAsync());
    }

    [Theory]
    [InlineData("Unspecified")]
    [InlineData("Utc")]
    [InlineData("Local")]
    public async Task Created_IsTheUtcLiteral_WhateverTheConnectionsDateTimeKind(string kind)
    {
        string connectionString = MySqlServer.ConnectionString + ";DateTimeKind=" + kind;
        var store = await CreateStoreAsync(connectionString);
        string id = Unique("_IK_kind");
        Assert.True(await store.StoreAsync(id, T0, Record(T0, 4)));

        Assert.Equal(T0, (await store.LoadAsync(id, T0))?.Created);
        Assert.Equal(T0, (await store.LoadLatestAsync(id))?.Created);
        await foreach (var row in store.ListAsync())
        {
            if (row.KeyId == id)
            {
                Assert.Equal(T0, row.Created);
            }
        }

        await using var connection = await OpenAsync();
        await using var text = new MySqlCommand("SELECT DATE_FORMAT(created, '%Y-%m-%d %H:%i:%s') FROM encryption_key WHERE id = @id", connection);
        text.Parameters.AddWithValue("id", id);
        Assert.Equal("2023-11-14 22:14:00", await text.ExecuteScalarAsync());
    }

    [Theory]
    [InlineData("Partition-1", "partition-1")]
    [InlineData("p", "p ")]
    [InlineData("p", "P ")]
    public async Task Ids_DifferingInCaseOrTrailingSpaces_AreDistinctKeys(string first, string second)
    {
        var store = await CreateAsync();
        string suffix = Guid.NewGuid().ToString("N");
        // The difference must reach the end of the id for trailing spaces, so the unique part goes first.
        string a = "_IK_" + suffix + "_" + first, b = "_IK_" + suffix + "_" + second;

        Assert.True(await store.StoreAsync(a, T0, Record(T0, 1)));
        Assert.True(await store.StoreAsync(b, T0, Record(T0, 2)));

        Assert.Equal(1, (await store.LoadAsync(a, T0))!.EncryptedKey.Span[0]);
        Assert.Equal(2, (await store.LoadAsync(b, T0))!.EncryptedKey.Span[0]);
        Assert.Equal(1, (await store.LoadLatestAsync(a))!.EncryptedKey.Span[0]);
        Assert.Equal(2, (await store.LoadLatestAsync(b))!.EncryptedKey.Span[0]);
    }

    [Fact]
    public async Task CanonicalCaseInsensitiveTable_NeverHandsOneIdAnothersKey()
    {
        // Canonical's DDL, in a database with Debian's default collation (utf8mb4_general_ci).
        string database = "asherah_ci_" + Guid.NewGuid().ToString("N");
        _scratchDatabases.Add(database);
        await using (var connection = await OpenAsync())
        await using (var command = new MySqlCommand(
            $"CREATE DATABASE {database} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci; " +
            $"CREATE TABLE {database}.encryption_key (id VARCHAR(255) NOT NULL, created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, " +
            "key_record TEXT NOT NULL, PRIMARY KEY (id, created), INDEX (created))", connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        var store = await CreateStoreAsync(new MySqlConnectionStringBuilder(MySqlServer.ConnectionString) { Database = database }.ConnectionString, ensureSchema: false);
        const string lower = "_IK_partition-1_service_product", upper = "_IK_Partition-1_service_product";
        Assert.True(await store.StoreAsync(lower, T0, Record(T0, 1)));
        Assert.True(await store.StoreAsync(lower, T0.AddMinutes(1), Record(T0.AddMinutes(1), 2)));

        Assert.Null(await store.LoadAsync(upper, T0));
        Assert.Null(await store.LoadLatestAsync(upper));

        // The table cannot hold both at one created (the duplicate is reported as such); at a new created it can, and
        // each id's latest is its own even when the other's row is newer.
        Assert.False(await store.StoreAsync(upper, T0, Record(T0, 9)));
        Assert.True(await store.StoreAsync(upper, T0.AddMinutes(2), Record(T0.AddMinutes(2), 3)));
        Assert.Equal(3, (await store.LoadLatestAsync(upper))!.EncryptedKey.Span[0]);
        Assert.Equal(2, (await store.LoadLatestAsync(lower))!.EncryptedKey.Span[0]);
        Assert.Equal(1, (await store.LoadAsync(lower, T0))!.EncryptedKey.Span[0]);
    }

    [Fact]
    public async Task DuplicateStore_IsReportedByTheServerAsError1062()
    {
        var store = await CreateAsync();
        string id = Unique("_IK_dup");
        Assert.True(await store.StoreAsync(id, T0, Record(T0, 1)));
        Assert.False(await store.StoreAsync(id, T0, Record(T0, 2)));
        Assert.Equal(1, (await store.LoadAsync(id, T0))!.EncryptedKey.Span[0]);

        // What the dialect relies on without referencing MySqlConnector.
        await using var connection = await OpenAsync();
        await using var command = new MySqlCommand("INSERT INTO encryption_key (id, created, key_record) VALUES (@id, @created, 'x')", connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("created", T0.UtcDateTime);
        var e = await Assert.ThrowsAsync<MySqlException>(() => command.ExecuteNonQueryAsync());
        DbException db = e;
        Assert.Equal("23000", db.SqlState);
        Assert.Equal(1062, db.Data["Server Error Code"]);
        Assert.False(db.IsTransient);
    }

    [Fact]
    public async Task OtherErrors_AreNotDuplicatesAndNotTransient()
    {
        string database = "asherah_empty_" + Guid.NewGuid().ToString("N");
        _scratchDatabases.Add(database);
        await using (var connection = await OpenAsync())
        await using (var command = new MySqlCommand($"CREATE DATABASE {database}", connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        var store = await CreateStoreAsync(new MySqlConnectionStringBuilder(MySqlServer.ConnectionString) { Database = database }.ConnectionString, ensureSchema: false);

        var e = await Assert.ThrowsAsync<MetastoreException>(async () => await store.StoreAsync(Unique("_IK_x"), T0, Record(T0, 1)));
        Assert.False(e.IsTransient);
        await Assert.ThrowsAsync<MetastoreException>(async () => await store.LoadLatestAsync("_IK_x"));
    }

    [Fact]
    public async Task UnreachableServer_ThrowsTransientMetastoreException()
    {
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        var builder = new MySqlConnectionStringBuilder(MySqlServer.ConnectionString) { Server = "127.0.0.1", Port = (uint)port, ConnectionTimeout = 5 };
        var store = await CreateStoreAsync(builder.ConnectionString, ensureSchema: false);

        var load = await Assert.ThrowsAsync<MetastoreException>(async () => await store.LoadLatestAsync("_IK_x"));
        Assert.True(load.IsTransient);
        var stored = await Assert.ThrowsAsync<MetastoreException>(async () => await store.StoreAsync("_IK_x", T0, Record(T0, 1)));
        Assert.True(stored.IsTransient);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }

        if (_scratchDatabases.Count > 0)
        {
            await using var connection = await OpenAsync();
            foreach (string database in _scratchDatabases)
            {
                await using var command = new MySqlCommand($"DROP DATABASE IF EXISTS {database}", connection);
                await command.ExecuteNonQueryAsync();
            }
        }
    }
}

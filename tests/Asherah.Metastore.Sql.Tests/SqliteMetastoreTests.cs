using Asherah.Envelope;
using Asherah.Metastore;
using Asherah.Tests.Shared;
using Microsoft.Data.Sqlite;

namespace Asherah.Metastore.Sql.Tests;

/// <summary>The metastore contract over a real SQLite database file.</summary>
public sealed class SqliteMetastoreTests : MetastoreContract, IDisposable
{
    private readonly string _path = NewPath();
    private readonly List<string> _otherPaths = [];

    private static string NewPath() => Path.Combine(Path.GetTempPath(), "asherah-test-" + Guid.NewGuid().ToString("N") + ".db");

    protected override async Task<IMetastore> CreateAsync() => await CreateAtAsync(_path);

    protected override async Task<CanonicalTable> CreateEmptyAsync()
    {
        string path = NewPath();
        _otherPaths.Add(path);
        var store = await CreateAtAsync(path);
        // Canonical C# over Microsoft.Data.Sqlite: the provider writes a DateTime as 'yyyy-MM-dd HH:mm:ss' text.
        var canonical = SqliteFactory.Instance.CreateDataSource($"Data Source={path};Pooling=False");
        return new CanonicalTable(store, (id, created, json) => CanonicalAdoWriter.InsertAsync(canonical, id, created, json));
    }

    private static async Task<SqlMetastore> CreateAtAsync(string path)
    {
        var store = new SqlMetastore(SqliteFactory.Instance.CreateDataSource($"Data Source={path};Pooling=False"), SqlDialect.Sqlite);
        await store.EnsureSchemaAsync();
        return store;
    }

    [Fact]
    public async Task EnsureSchema_IsIdempotent()
    {
        var store = (SqlMetastore)await CreateAsync();
        await store.EnsureSchemaAsync();
    }

    [Fact]
    public async Task Created_IsStoredAsCanonicalUtcTimestampText()
    {
        var store = await CreateAsync();
        var created = DateTimeOffset.FromUnixTimeSeconds(1_700_000_040);
        await store.StoreAsync("_SK_s_p", created, new EnvelopeKeyRecord(created, new byte[60], null, false));

        using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT created, key_record FROM encryption_key";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal("2023-11-14 22:14:00", reader.GetString(0));
        Assert.StartsWith("{\"Created\":1700000040,\"Key\":\"", reader.GetString(1));
    }

    [Fact]
    public async Task Load_WithoutTable_ThrowsMetastoreException()
    {
        var store = new SqlMetastore(SqliteFactory.Instance.CreateDataSource($"Data Source={_path};Pooling=False"), SqlDialect.Sqlite);

        var e = await Assert.ThrowsAsync<MetastoreException>(async () => await store.LoadLatestAsync("_SK_s_p"));
        Assert.False(e.IsTransient);
        Assert.Contains("the table encryption_key does not exist", e.Message);
        Assert.Contains("EnsureSchema", e.Message);
    }

    [Fact]
    public async Task MalformedStoredRecord_ThrowsMetastoreException()
    {
        var store = await CreateAsync();
        using (var connection = new SqliteConnection($"Data Source={_path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO encryption_key VALUES ('_SK_s_p', '2023-11-14 22:14:00', 'not json')";
            command.ExecuteNonQuery();
        }

        await Assert.ThrowsAsync<MetastoreException>(async () => await store.LoadLatestAsync("_SK_s_p"));
    }

    [Theory]
    [InlineData("not a time")]
    [InlineData("2023-13-45 99:99:99")]
    [InlineData("")]
    public async Task List_RowWithMalformedCreated_ThrowsMetastoreException(string created)
    {
        var store = (SqlMetastore)await CreateAsync();
        var record = new EnvelopeKeyRecord(DateTimeOffset.FromUnixTimeSeconds(1_700_000_040), new byte[60], null, false);
        using (var connection = new SqliteConnection($"Data Source={_path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO encryption_key VALUES ('_SK_s_p', $created, $record)";
            command.Parameters.AddWithValue("$created", created);
            command.Parameters.AddWithValue("$record", record.ToJson());
            command.ExecuteNonQuery();
        }

        var e = await Assert.ThrowsAsync<MetastoreException>(async () =>
        {
            await foreach (var unused in store.ListAsync())
            {
            }
        });
        Assert.Contains("_SK_s_p", e.Message, StringComparison.Ordinal);
        Assert.IsType<FormatException>(e.InnerException);
    }

    [Fact]
    public async Task SessionFactory_OverSqlite_RoundTripsAcrossFactories()
    {
        var store = await CreateAsync();
        byte[] drr;
        using (var factory = SessionFactory.NewBuilder("product", "service").WithMetastore(store)
                   .WithNeverExpiredCryptoPolicy().WithStaticKeyManagementService("thisIsAStaticMasterKeyForTesting").Build())
        using (var session = factory.GetSessionBytes("user-1"))
        {
            drr = await session.EncryptAsync(new byte[] { 1, 2, 3 });
        }

        var reopened = await CreateAsync();
        using var factory2 = SessionFactory.NewBuilder("product", "service").WithMetastore(reopened)
            .WithNeverExpiredCryptoPolicy().WithStaticKeyManagementService("thisIsAStaticMasterKeyForTesting").Build();
        using var session2 = factory2.GetSessionBytes("user-1");
        Assert.Equal(new byte[] { 1, 2, 3 }, await session2.DecryptAsync(drr));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
        foreach (string path in _otherPaths)
        {
            File.Delete(path);
        }
    }
}

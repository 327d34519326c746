using System.Data.Common;
using Asherah.Envelope;
using Asherah.Metastore;
using Microsoft.Data.Sqlite;

namespace Asherah.Metastore.Sql.Tests.Misuse;

/// <summary>The misuse contract on a SQLite file of the test's own, and what only SQLite lets a table hold.</summary>
public sealed class SqliteMisuseTests : SqlMisuseContract
{
    private readonly List<string> _paths = [];

    protected override SqlDialect Dialect => SqlDialect.Sqlite;

    private string NewPath()
    {
        string path = Path.Combine(Path.GetTempPath(), "asherah-misuse-" + Guid.NewGuid().ToString("N") + ".db");
        _paths.Add(path);
        return path;
    }

    protected override Task<DbDataSource> CreateIsolatedDataSourceAsync() =>
        Task.FromResult<DbDataSource>(SqliteFactory.Instance.CreateDataSource($"Data Source={NewPath()};Pooling=False"));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var path in _paths)
        {
            File.Delete(path);
        }
    }

    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_040);

    [Fact]
    public async Task ANullKeyRecord_InATableThatAllowsIt_IsMalformed_NotNotFound()
    {
        // A hand-made table without canonical's NOT NULL: the row exists, so "no such key" would be a lie.
        await using (var create = DataSource.CreateCommand("CREATE TABLE encryption_key (id VARCHAR(255) NOT NULL, created TIMESTAMP NOT NULL, key_record TEXT, PRIMARY KEY (id, created))"))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (var insert = DataSource.CreateCommand("INSERT INTO encryption_key (id, created, key_record) VALUES ('_IK_p_s_p', '2023-11-14 22:14:00', NULL)"))
        {
            await insert.ExecuteNonQueryAsync();
        }

        var store = new SqlMetastore(DataSource, SqlDialect.Sqlite);
        foreach (var read in new Func<Task>[]
                 {
                     async () => await store.LoadAsync("_IK_p_s_p", T0),
                     async () => await store.LoadLatestAsync("_IK_p_s_p"),
                     async () => await store.RevokeAsync("_IK_p_s_p", T0),
                     async () => { await foreach (var _ in store.ListAsync()) { } },
                 })
        {
            var e = await Assert.ThrowsAsync<MetastoreException>(read);
            Assert.False(e.IsTransient);
            Assert.Contains("_IK_p_s_p", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AMalformedCreatedText_IsAMalformedRow_WhenListed()
    {
        var store = new SqlMetastore(DataSource, SqlDialect.Sqlite);
        await store.EnsureSchemaAsync();
        await using (var insert = DataSource.CreateCommand("INSERT INTO encryption_key (id, created, key_record) VALUES ('_IK_p_s_p', 'yesterday', @record)"))
        {
            var parameter = insert.CreateParameter();
            parameter.ParameterName = "record";
            parameter.Value = new EnvelopeKeyRecord(T0, new byte[60], null, false).ToJson();
            insert.Parameters.Add(parameter);
            await insert.ExecuteNonQueryAsync();
        }

        var e = await Assert.ThrowsAsync<MetastoreException>(async () => { await foreach (var _ in store.ListAsync()) { } });
        Assert.Contains("created", e.Message, StringComparison.Ordinal);
        Assert.Null(await store.LoadAsync("_IK_p_s_p", T0));
    }

    [Fact]
    public async Task TheHostedSqliteMetastore_AfterDispose_ThrowsObjectDisposed_OnEveryCall_AndDisposesTwiceQuietly()
    {
        var store = SqliteMetastores.Create(NewPath());
        var record = new EnvelopeKeyRecord(T0, new byte[60], null, false);
        Assert.True(await store.StoreAsync("_SK_s_p", T0, record));
        var disposable = Assert.IsAssignableFrom<IAsyncDisposable>(store);
        await disposable.DisposeAsync();
        ((IDisposable)store).Dispose();
        await disposable.DisposeAsync();

        var catalog = Assert.IsAssignableFrom<IMetastoreCatalog>(store);
        var revoker = Assert.IsAssignableFrom<IKeyRevoker>(store);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.LoadAsync("_SK_s_p", T0));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.LoadLatestAsync("_SK_s_p"));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.StoreAsync("_SK_s_p2", T0, record));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await revoker.RevokeAsync("_SK_s_p", T0));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => { await foreach (var _ in catalog.ListAsync()) { } });
    }

    [Fact]
    public void SqliteMetastores_Create_RefusesNullEmptyAndMalformedConnectionStrings()
    {
        Assert.Throws<ArgumentNullException>(() => SqliteMetastores.Create(null!));
        Assert.Throws<ArgumentException>(() => SqliteMetastores.Create(""));
        Assert.Throws<ArgumentException>(() => SqliteMetastores.Create("   "));
        var e = Assert.ThrowsAny<ArgumentException>(() => SqliteMetastores.Create("Data Source=x.db;Password=hunter2;Bogus Keyword=1"));
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
    }
}

using Asherah.Metastore;
using Asherah.Tests.Shared;
using MySqlConnector;

namespace Asherah.Metastore.Sql.Tests.Sessions;

/// <summary>
/// The session contract over the MySQL/MariaDB test server (<c>ASHERAH_TEST_MYSQL</c>); every factory connects through
/// a data source of its own.
/// </summary>
[RequiresMySql]
public sealed class MySqlSessionTests : SessionContract, IAsyncLifetime
{
    private readonly List<MySqlDataSource> _sources = [];

    private MySqlDataSource NewSource()
    {
        var source = new MySqlDataSource(MySqlServer.ConnectionString);
        _sources.Add(source);
        return source;
    }

    protected override async Task<IMetastore> OpenMetastoreAsync()
    {
        var store = new SqlMetastore(NewSource(), SqlDialect.MySql);
        await store.EnsureSchemaAsync();
        return store;
    }

    protected override Task<int> CountRowsAsync(string keyId) => TableRows.CountAsync(NewSource(), keyId);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var source in _sources)
        {
            await source.DisposeAsync();
        }
    }
}

using Asherah.Metastore;
using Asherah.Tests.Shared;
using Npgsql;

namespace Asherah.Metastore.Sql.Tests.Sessions;

/// <summary>
/// The session contract over the PostgreSQL test server (<c>ASHERAH_TEST_POSTGRES</c>); every factory connects through a
/// data source of its own.
/// </summary>
[RequiresPostgres]
public sealed class PostgresSessionTests : SessionContract, IDisposable
{
    private readonly List<NpgsqlDataSource> _sources = [];

    private NpgsqlDataSource NewSource()
    {
        var source = NpgsqlDataSource.Create(PostgresServer.ConnectionString);
        _sources.Add(source);
        return source;
    }

    protected override async Task<IMetastore> OpenMetastoreAsync()
    {
        var store = new SqlMetastore(NewSource(), SqlDialect.Postgres);
        await store.EnsureSchemaAsync();
        return store;
    }

    protected override Task<int> CountRowsAsync(string keyId) => TableRows.CountAsync(NewSource(), keyId);

    public void Dispose()
    {
        foreach (var source in _sources)
        {
            source.Dispose();
        }
    }
}

using System.Data.Common;
using Asherah.Metastore;
using Asherah.Tests.Shared;
using Microsoft.Data.Sqlite;

namespace Asherah.Metastore.Sql.Tests.Sessions;

/// <summary>The session contract over a real SQLite file; every factory opens it through a data source of its own.</summary>
public sealed class SqliteSessionTests : SessionContract, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "asherah-session-" + Guid.NewGuid().ToString("N") + ".db");
    private readonly List<DbDataSource> _sources = [];

    private DbDataSource NewSource()
    {
        var source = SqliteFactory.Instance.CreateDataSource($"Data Source={_path};Pooling=False");
        _sources.Add(source);
        return source;
    }

    protected override async Task<IMetastore> OpenMetastoreAsync()
    {
        var store = new SqlMetastore(NewSource(), SqlDialect.Sqlite);
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

        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }
}

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
}

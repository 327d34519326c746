using System.Data.Common;
using Npgsql;

namespace Asherah.Metastore.Sql.Tests.Misuse;

/// <summary>The misuse contract on the PostgreSQL test server, in a schema of the test's own.</summary>
[RequiresPostgres]
public sealed class PostgresMisuseTests : SqlMisuseContract
{
    private readonly string _schema = "asherah_misuse_" + Guid.NewGuid().ToString("N");

    protected override SqlDialect Dialect => SqlDialect.Postgres;

    // id is VARCHAR(255), and PostgreSQL text cannot hold NUL.
    protected override bool HoldsId(string keyId) => keyId.Length <= 255 && !keyId.Contains('\0', StringComparison.Ordinal);

    protected override async Task<DbDataSource> CreateIsolatedDataSourceAsync()
    {
        await using (var admin = NpgsqlDataSource.Create(PostgresServer.ConnectionString))
        await using (var command = admin.CreateCommand($"CREATE SCHEMA {_schema}"))
        {
            await command.ExecuteNonQueryAsync();
        }

        return NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { SearchPath = _schema }.ConnectionString);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await using var admin = NpgsqlDataSource.Create(PostgresServer.ConnectionString);
        await using var command = admin.CreateCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
        await command.ExecuteNonQueryAsync();
    }
}

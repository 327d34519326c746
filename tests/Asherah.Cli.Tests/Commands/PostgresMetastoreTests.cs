using System.Data.Common;
using Asherah.Metastore.Sql;
using Asherah.Tests.Shared;
using Npgsql;

namespace Asherah.Cli.Tests.Commands;

/// <summary>
/// <see cref="ServerMetastoreTests"/> with <c>--metastore postgres</c> over the server of <c>ASHERAH_TEST_POSTGRES</c>,
/// each test in a fresh schema (the connection string's <c>Search Path</c>).
/// </summary>
[RequiresEnvironment(Variable, "run scripts/postgres.sh start, then eval \"$(scripts/postgres.sh env)\"; scripts/test.sh does both")]
public sealed class PostgresMetastoreTests : ServerMetastoreTests
{
    private const string Variable = "ASHERAH_TEST_POSTGRES";
    private string? _schema;

    protected override string Name => "postgres";

    protected override string CanonicalName => "postgres";

    protected override SqlDialect Dialect => SqlDialect.Postgres;

    private static string ServerConnectionString => Environment.GetEnvironmentVariable(Variable) ?? string.Empty;

    protected override DbDataSource CreateDataSource(string connectionString) => NpgsqlDataSource.Create(connectionString);

    protected override async Task<string> CreateFreshDatabaseAsync()
    {
        if (ServerConnectionString.Length == 0)
        {
            return string.Empty;
        }

        _schema = "cli_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync($"CREATE SCHEMA {_schema}");
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { SearchPath = _schema }.ConnectionString;
    }

    protected override async Task DropFreshDatabaseAsync()
    {
        if (_schema is not null)
        {
            await ExecuteAsync($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
        }
    }

    protected override async Task<bool> TableExistsAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(ServerConnectionString);
        await using var command = dataSource.CreateCommand($"SELECT to_regclass('{_schema}.encryption_key') IS NOT NULL");
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(ServerConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}

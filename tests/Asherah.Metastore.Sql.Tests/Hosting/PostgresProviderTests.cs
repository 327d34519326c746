using System.Data.Common;
using Asherah.Tests.Shared;
using Npgsql;

namespace Asherah.Metastore.Sql.Tests.Hosting;

/// <summary>
/// <see cref="ServerProviderTests"/> over the PostgreSQL server of <c>ASHERAH_TEST_POSTGRES</c>, each test in a fresh
/// schema of its own (the connection string's <c>Search Path</c>), dropped afterwards.
/// </summary>
[RequiresEnvironment(Variable, "run scripts/postgres.sh start, then eval \"$(scripts/postgres.sh env)\"; scripts/test.sh does both")]
public sealed class PostgresProviderTests : ServerProviderTests
{
    private const string Variable = "ASHERAH_TEST_POSTGRES";
    private string? _schema;

    protected override string Name => "postgres";

    protected override SqlDialect Dialect => SqlDialect.Postgres;

    private static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{Variable} is not set (scripts/postgres.sh start).");

    protected override DbDataSource CreateDataSource(string connectionString) => NpgsqlDataSource.Create(connectionString);

    protected override async Task<string> CreateFreshDatabaseAsync()
    {
        _schema = "hosting_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync($"CREATE SCHEMA {_schema}");
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { SearchPath = _schema }.ConnectionString;
    }

    protected override async Task DropFreshDatabaseAsync()
    {
        if (_schema is not null && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
        {
            await ExecuteAsync($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
        }
    }

    protected override bool IsMissingTable(DbException exception) => exception.SqlState == PostgresErrorCodes.UndefinedTable;

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

using System.Data.Common;
using MySqlConnector;

namespace Asherah.Metastore.Sql.Tests.Hosting;

/// <summary>
/// <see cref="ServerProviderTests"/> over the MySQL/MariaDB server of <c>ASHERAH_TEST_MYSQL</c>, each test in a fresh
/// database of its own, dropped afterwards.
/// </summary>
[RequiresMySql]
public sealed class MySqlProviderTests : ServerProviderTests
{
    private string? _database;

    protected override string Name => "mysql";

    protected override SqlDialect Dialect => SqlDialect.MySql;

    protected override DbDataSource CreateDataSource(string connectionString) => new MySqlDataSource(connectionString);

    protected override async Task<string> CreateFreshDatabaseAsync()
    {
        _database = "hosting_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync($"CREATE DATABASE {_database}");
        return new MySqlConnectionStringBuilder(MySqlServer.ConnectionString) { Database = _database }.ConnectionString;
    }

    protected override async Task DropFreshDatabaseAsync()
    {
        if (_database is not null && MySqlServer.SkipReason is null && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(MySqlServer.Variable)))
        {
            await ExecuteAsync($"DROP DATABASE IF EXISTS {_database}");
        }
    }

    protected override bool IsMissingTable(DbException exception) => exception is MySqlException { ErrorCode: MySqlErrorCode.NoSuchTable };

    protected override async Task<bool> TableExistsAsync()
    {
        await using var connection = new MySqlConnection(MySqlServer.ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = @db AND table_name = 'encryption_key'", connection);
        command.Parameters.AddWithValue("db", _database);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new MySqlConnection(MySqlServer.ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

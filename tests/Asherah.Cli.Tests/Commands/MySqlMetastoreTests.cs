using System.Data.Common;
using Asherah.Metastore.Sql;
using Asherah.Tests.Shared;
using MySqlConnector;

namespace Asherah.Cli.Tests.Commands;

/// <summary>
/// <see cref="ServerMetastoreTests"/> with <c>--metastore mysql</c> (and canonical's <c>rdbms</c> from the environment)
/// over the MySQL/MariaDB server of <c>ASHERAH_TEST_MYSQL</c>, each test in a fresh database.
/// </summary>
[RequiresEnvironment(Variable, "start a server with `eval \"$(scripts/mariadb.sh start)\"`; scripts/test.sh does this")]
public sealed class MySqlMetastoreTests : ServerMetastoreTests
{
    private const string Variable = "ASHERAH_TEST_MYSQL";
    private string? _database;

    protected override string Name => "mysql";

    protected override string CanonicalName => "rdbms";

    protected override SqlDialect Dialect => SqlDialect.MySql;

    private static string ServerConnectionString => Environment.GetEnvironmentVariable(Variable) ?? string.Empty;

    protected override DbDataSource CreateDataSource(string connectionString) => new MySqlDataSource(connectionString);

    protected override async Task<string> CreateFreshDatabaseAsync()
    {
        if (ServerConnectionString.Length == 0)
        {
            return string.Empty;
        }

        _database = "cli_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync($"CREATE DATABASE {_database}");
        return new MySqlConnectionStringBuilder(ServerConnectionString) { Database = _database }.ConnectionString;
    }

    protected override async Task DropFreshDatabaseAsync()
    {
        if (_database is not null)
        {
            await ExecuteAsync($"DROP DATABASE IF EXISTS {_database}");
        }
    }

    [MetastoreFact]
    public async Task Rdbms_WithTheCanonicalGoServersDsn_RoundTrips()
    {
        var server = new MySqlConnectionStringBuilder(ConnectionString);
        using var cli = new CliRun();
        cli.Environment["ASHERAH_METASTORE_MODE"] = "rdbms";
        cli.Environment["ASHERAH_CONNECTION_STRING"] = $"{server.UserID}:{server.Password}@tcp({server.Server}:{server.Port})/{server.Database}?parseTime=true";

        var encrypted = await cli.RunAsync("go dsn"u8.ToArray(), "encrypt", "--create-table");
        var decrypted = await cli.RunAsync(encrypted.Stdout, "decrypt");

        Assert.True(decrypted.ExitCode == 0, encrypted.Stderr + decrypted.Stderr);
        Assert.Equal("go dsn"u8.ToArray(), decrypted.Stdout);
        Assert.True(await TableExistsAsync());
    }

    protected override async Task<bool> TableExistsAsync()
    {
        await using var connection = new MySqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = @db AND table_name = 'encryption_key'", connection);
        command.Parameters.AddWithValue("db", _database);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new MySqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

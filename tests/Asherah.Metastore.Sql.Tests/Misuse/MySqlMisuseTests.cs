using System.Data.Common;
using MySqlConnector;

namespace Asherah.Metastore.Sql.Tests.Misuse;

/// <summary>The misuse contract on the MariaDB test server (zone +05:00), in a database of the test's own.</summary>
[RequiresMySql]
public sealed class MySqlMisuseTests : SqlMisuseContract
{
    private const long Day = 86_400;
    private const long LastTimestamp = 2_147_483_647; // 2038-01-19 03:14:07 UTC, TIMESTAMP's last second
    private readonly string _database = "asherah_misuse_" + Guid.NewGuid().ToString("N");

    protected override SqlDialect Dialect => SqlDialect.MySql;

    // TIMESTAMP holds 1970-01-01 00:00:01 to 2038-01-19 03:14:07 UTC; the UTC literal is read in the server's zone, so
    // within a day of either end it depends on that zone.
    protected override bool? Holds(DateTimeOffset created)
    {
        long seconds = created.ToUnixTimeSeconds();
        return seconds > Day && seconds < LastTimestamp - Day ? true
            : seconds < -Day || seconds > LastTimestamp + Day ? false
            : null;
    }

    // key_record is TEXT: 65,535 bytes.
    protected override bool HoldsRecord(int jsonLength) => jsonLength <= 65_535;

    protected override async Task<DbDataSource> CreateIsolatedDataSourceAsync()
    {
        await using (var admin = new MySqlDataSource(MySqlServer.ConnectionString))
        await using (var command = admin.CreateCommand($"CREATE DATABASE {_database}"))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new MySqlDataSource(new MySqlConnectionStringBuilder(MySqlServer.ConnectionString) { Database = _database }.ConnectionString);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await using var admin = new MySqlDataSource(MySqlServer.ConnectionString);
        await using var command = admin.CreateCommand($"DROP DATABASE IF EXISTS {_database}");
        await command.ExecuteNonQueryAsync();
    }
}

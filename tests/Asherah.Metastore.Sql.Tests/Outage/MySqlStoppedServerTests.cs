using System.Data.Common;
using MySqlConnector;
using Xunit.Abstractions;

namespace Asherah.Metastore.Sql.Tests.Outage;

/// <summary>
/// A private MariaDB server stopped mid-test. Runs wherever the MySQL tests run (<c>ASHERAH_TEST_MYSQL</c> set, which
/// <c>CI</c> requires), though the server is its own.
/// </summary>
[RequiresMySql]
public sealed class MySqlStoppedServerTests(ITestOutputHelper output) : StoppedServerContract(output)
{
    protected override SqlDialect Dialect => SqlDialect.MySql;

    protected override string LongQuerySql => "SELECT SLEEP(30)";

    protected override Task<PrivateServer> StartServerAsync() => PrivateServer.StartMariaDbAsync();

    protected override DbDataSource CreateDataSource(string connectionString) =>
        new MySqlDataSource(new MySqlConnectionStringBuilder(connectionString) { ConnectionTimeout = 5 }.ConnectionString);
}

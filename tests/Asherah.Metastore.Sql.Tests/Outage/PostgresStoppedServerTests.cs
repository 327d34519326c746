using System.Data.Common;
using Npgsql;
using Xunit.Abstractions;

namespace Asherah.Metastore.Sql.Tests.Outage;

/// <summary>
/// A private PostgreSQL server stopped mid-test. Runs wherever the PostgreSQL tests run (<c>ASHERAH_TEST_POSTGRES</c>
/// set, which <c>CI</c> requires), though the server is its own.
/// </summary>
[RequiresPostgres]
public sealed class PostgresStoppedServerTests(ITestOutputHelper output) : StoppedServerContract(output)
{
    protected override SqlDialect Dialect => SqlDialect.Postgres;

    protected override string LongQuerySql => "SELECT pg_sleep(30)";

    protected override Task<PrivateServer> StartServerAsync() => PrivateServer.StartPostgresAsync();

    protected override DbDataSource CreateDataSource(string connectionString) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 5 }.ConnectionString);
}

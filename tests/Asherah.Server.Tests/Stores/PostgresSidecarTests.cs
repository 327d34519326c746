using Asherah.Tests.Shared;
using Asherah.Tools.Hosting;
using Npgsql;

namespace Asherah.Server.Tests.Stores;

/// <summary>
/// The sidecar on PostgreSQL (<c>ASHERAH_METASTORE_MODE=postgres</c>, an Npgsql connection string, <c>--create-table</c>)
/// with the static KMS; the library opens the same table through the same named provider.
/// </summary>
[RequiresEnvironment(Variable, "run export ASHERAH_TEST_POSTGRES=\"$(scripts/postgres.sh start)\"; scripts/test.sh does it")]
public sealed class PostgresSidecarTests : SqlSidecarStoreContract
{
    private const string Variable = "ASHERAH_TEST_POSTGRES";

    private static string ConnectionString => Environment.GetEnvironmentVariable(Variable)!;

    protected override string ServerMetastoreMode => "postgres";

    protected override string ServerConnectionString => ConnectionString;

    protected override string LibraryMetastore => ServerMetastores.Postgres;

    protected override string LibraryConnectionString => ConnectionString;

    protected override async Task<IReadOnlyList<string>> StoredKeyIdsAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT id FROM encryption_key WHERE strpos(id, $1) > 0");
        command.Parameters.Add(new NpgsqlParameter { Value = $"_{Service}_{Product}" });
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}

using Asherah.Tests.Shared;
using Asherah.Tools.Hosting;
using Npgsql;

namespace Asherah.Server.Tests.Stores;

/// <summary>
/// The sidecar on PostgreSQL (<c>ASHERAH_METASTORE_MODE=postgres</c>, an Npgsql connection string, <c>--create-table</c>)
/// with the static KMS; the library opens the same table through the same named provider.
/// </summary>
[RequiresEnvironment(Variable, "run export ASHERAH_TEST_POSTGRES=\"$(scripts/postgres.sh start)\"; scripts/test.sh does it")]
public sealed class PostgresSidecarTests : SidecarStoreContract
{
    private const string Variable = "ASHERAH_TEST_POSTGRES";
    private const string MasterKey = "thisIsAStaticMasterKeyForTesting";

    private static string ConnectionString => Environment.GetEnvironmentVariable(Variable)!;

    protected override IReadOnlyDictionary<string, string?> ServerEnvironment() => new Dictionary<string, string?>
    {
        ["ASHERAH_METASTORE_MODE"] = "postgres",
        ["ASHERAH_CONNECTION_STRING"] = ConnectionString,
        ["ASHERAH_KMS_MODE"] = "static",
        ["ASHERAH_STATIC_MASTER_KEY"] = MasterKey,
    };

    protected override string[] ServerArguments => ["--create-table"];

    protected override SessionFactory CreateLibraryFactory() =>
        SessionFactoryBuilder.FromOptions(
            new AsherahOptions
            {
                ProductId = Product,
                ServiceId = Service,
                Metastore = ServerMetastores.Postgres,
                ConnectionString = ConnectionString,
                Kms = AsherahProviders.Static,
                StaticMasterKey = MasterKey,
            },
            new AsherahProviders().AddServerMetastores(createTable: false)).Build();

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

using Asherah.Tests.Shared;
using Asherah.Tools.Hosting;
using MySqlConnector;

namespace Asherah.Server.Tests.Stores;

/// <summary>
/// The sidecar on MariaDB as the canonical Go server is configured for MySQL: <c>ASHERAH_METASTORE_MODE=rdbms</c> and a
/// Go driver DSN (<c>user:password@tcp(host:port)/db</c>), with the static KMS; the library opens the same table as
/// <c>mysql</c> with the MySqlConnector connection string the DSN was made from.
/// </summary>
[RequiresEnvironment(Variable, "run eval \"$(scripts/mariadb.sh start)\"; scripts/test.sh does it")]
public sealed class MySqlSidecarTests : SqlSidecarStoreContract
{
    private const string Variable = "ASHERAH_TEST_MYSQL";

    private static string ConnectionString => Environment.GetEnvironmentVariable(Variable)!;

    /// <summary>The same server and credentials in the Go driver's DSN.</summary>
    private static string GoDsn
    {
        get
        {
            var b = new MySqlConnectionStringBuilder(ConnectionString);
            return $"{b.UserID}:{b.Password}@tcp({b.Server}:{b.Port})/{b.Database}?parseTime=true";
        }
    }

    protected override string ServerMetastoreMode => "rdbms";

    protected override string ServerConnectionString => GoDsn;

    protected override string LibraryMetastore => ServerMetastores.MySql;

    protected override string LibraryConnectionString => ConnectionString;

    protected override async Task<IReadOnlyList<string>> StoredKeyIdsAsync()
    {
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM encryption_key WHERE LOCATE(@suffix, id) > 0";
        command.Parameters.AddWithValue("@suffix", $"_{Service}_{Product}");
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            // VARBINARY in this library's DDL, VARCHAR in canonical's: read the bytes either way.
            ids.Add(reader.GetValue(0) switch { byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes), var value => (string)value });
        }

        return ids;
    }
}

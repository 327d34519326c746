using System.Data.Common;
using Asherah.Metastore.Sql;
using MySqlConnector;
using Npgsql;

namespace Asherah.Benchmarks.Sql;

/// <summary>
/// The database server a SQL benchmark runs against, named by its <c>Server</c> parameter: <c>postgres</c> reads its
/// connection string from <c>ASHERAH_TEST_POSTGRES</c>, <c>mariadb</c> and <c>mariadb-noreset</c> from <c>ASHERAH_TEST_MYSQL</c>
/// (scripts/bench-sql.sh starts both servers and sets both).
/// </summary>
/// <remarks>
/// Each benchmark gets one pooled data source for its whole run, as an application would: connections are opened once
/// and then taken from the provider's pool for every statement. <c>mariadb</c> is MySqlConnector's defaults, whose
/// <c>Connection Reset=true</c> costs a round trip on every open from the pool; <c>mariadb-noreset</c> sets it false
/// (tests/Asherah.Metastore.Sql.Tests/RoundTripTests.cs counts both). <c>postgres</c> is Npgsql's defaults;
/// <c>postgres-tuned</c> adds <c>No Reset On Close</c> and automatic preparation.
/// </remarks>
internal static class SqlServer
{
    public const string Postgres = "postgres";
    public const string PostgresTuned = "postgres-tuned";
    public const string MariaDb = "mariadb";
    public const string MariaDbNoReset = "mariadb-noreset";

    /// <summary>A new pooled data source and the dialect for <paramref name="server"/>.</summary>
    /// <exception cref="InvalidOperationException">The server's variable is not set, or the name is unknown.</exception>
    public static (DbDataSource Source, SqlDialect Dialect) Open(string server) => server switch
    {
        Postgres => (NpgsqlDataSource.Create(ConnectionString("ASHERAH_TEST_POSTGRES", "scripts/postgres.sh start")), SqlDialect.Postgres),
        PostgresTuned => (NpgsqlDataSource.Create(TunedPostgresConnectionString()), SqlDialect.Postgres),
        MariaDb => (new MySqlDataSource(MySqlConnectionString(connectionReset: true)), SqlDialect.MySql),
        MariaDbNoReset => (new MySqlDataSource(MySqlConnectionString(connectionReset: false)), SqlDialect.MySql),
        _ => throw new InvalidOperationException($"Unknown server '{server}': use '{Postgres}', '{PostgresTuned}', '{MariaDb}' or '{MariaDbNoReset}'."),
    };

    /// <summary>A metastore on a new data source for <paramref name="server"/>, its table created.</summary>
    public static async Task<(SqlMetastore Metastore, DbDataSource Source)> OpenMetastoreAsync(string server)
    {
        var (source, dialect) = Open(server);
        var metastore = new SqlMetastore(source, dialect);
        await metastore.EnsureSchemaAsync();
        return (metastore, source);
    }

    /// <summary>A factory over <paramref name="metastore"/> whose system key is created and cached (one encrypt done).</summary>
    /// <remarks>Sessions are not cached, so every session starts with an empty intermediate key cache.</remarks>
    public static SessionFactory WarmFactory(SqlMetastore metastore)
    {
        var factory = SessionFactory.NewBuilder("bench-product", "bench-service")
            .WithMetastore(metastore)
            .WithNeverExpiredCryptoPolicy()
            .WithStaticKeyManagementService("thisIsAStaticMasterKeyForTesting")
            .Build();
        using var warm = factory.GetSessionBytes("warm-up-" + Guid.NewGuid().ToString("N"));
        warm.Encrypt(new byte[64]);
        return factory;
    }

    /// <summary>A partition id no run has used, so its intermediate key is neither cached nor stored.</summary>
    public static string NewPartition(string prefix, long n) => $"{prefix}-{RunId}-{n}";

    private static readonly string RunId = Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// Npgsql without the connection reset (<c>DISCARD ALL</c>, sent ahead of the next statement after every return to
    /// the pool) and with automatic preparation, so the metastore's three statements are parsed and planned once per
    /// connection.
    /// </summary>
    private static string TunedPostgresConnectionString() =>
        new NpgsqlConnectionStringBuilder(ConnectionString("ASHERAH_TEST_POSTGRES", "scripts/postgres.sh start"))
        {
            NoResetOnClose = true,
            MaxAutoPrepare = 8,
            AutoPrepareMinUsages = 2,
        }.ConnectionString;

    private static string MySqlConnectionString(bool connectionReset) =>
        new MySqlConnectionStringBuilder(ConnectionString("ASHERAH_TEST_MYSQL", "eval \"$(scripts/mariadb.sh start)\""))
        {
            ConnectionReset = connectionReset,
        }.ConnectionString;

    private static string ConnectionString(string variable, string howToStart) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: start a server ({howToStart}) or run scripts/bench-sql.sh.");
}

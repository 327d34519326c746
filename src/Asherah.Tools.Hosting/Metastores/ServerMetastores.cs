using System.Data.Common;
using Asherah.Metastore.Sql;
using MySqlConnector;
using Npgsql;

namespace Asherah.Tools.Hosting;

/// <summary>
/// The CLI's database-server metastores: <c>postgres</c> (Npgsql), <c>mysql</c> (MySqlConnector) and <c>rdbms</c>, the
/// canonical Go server's name for its MySQL metastore, an alias of <c>mysql</c>.
/// </summary>
/// <remarks>
/// PostgreSQL goes through <see cref="NpgsqlSlimDataSourceBuilder"/>: the metastore needs only text and timestamps, and
/// the slim builder keeps the native (trimmed, NativeAOT) binary free of the full builder's reflection-based mappings.
/// </remarks>
public static class ServerMetastores
{
    /// <summary>PostgreSQL through Npgsql.</summary>
    public const string Postgres = "postgres";

    /// <summary>MySQL or MariaDB through MySqlConnector.</summary>
    public const string MySql = "mysql";

    /// <summary>The canonical Go server's name for its MySQL metastore: the same as <see cref="MySql"/>.</summary>
    public const string Rdbms = "rdbms";

    /// <summary>Whether <paramref name="name"/> is one of these metastores (case-insensitive).</summary>
    public static bool Contains(string? name) =>
        name is not null && (Is(name, Postgres) || Is(name, MySql) || Is(name, Rdbms));

    /// <summary>Adds the three providers; each creates its table before first use only when <paramref name="createTable"/>.</summary>
    public static AsherahProviders AddServerMetastores(this AsherahProviders providers, bool createTable)
    {
        Action<SqlMetastoreOptions> schema = o => o.EnsureSchema = createTable;
        return providers
            .AddSqlMetastore(Postgres, SqlDialect.Postgres, CreatePostgres, schema)
            .AddSqlMetastore(MySql, SqlDialect.MySql, CreateMySql, schema)
            .AddSqlMetastore(Rdbms, SqlDialect.MySql, CreateMySql, schema);
    }

    /// <summary>
    /// The connection string the driver of metastore <paramref name="name"/> opens: for <c>mysql</c> and <c>rdbms</c>,
    /// the canonical Go server's DSN (<c>user:password@tcp(host:3306)/db</c>, <see cref="GoMySqlDsn"/>) read into a
    /// MySqlConnector one; anything else as given.
    /// </summary>
    /// <exception cref="ArgumentException">A Go DSN with a bad port or <c>tls</c> value (the DSN is not echoed).</exception>
    public static string DriverConnectionString(string name, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        return (Is(name, MySql) || Is(name, Rdbms)) && GoMySqlDsn.TryConvert(connectionString) is { } converted
            ? converted
            : connectionString;
    }

    /// <summary>
    /// Where the connection string points, for messages: <c>host:port/database</c>, never the password.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string is malformed.</exception>
    public static string Describe(string name, string connectionString)
    {
        if (Is(name, Postgres))
        {
            var pg = new NpgsqlConnectionStringBuilder(connectionString);
            return $"{pg.Host}:{pg.Port}/{pg.Database ?? pg.Username ?? "postgres"}";
        }

        var my = new MySqlConnectionStringBuilder(connectionString);
        return $"{my.Server}:{my.Port}/{my.Database}";
    }

    /// <summary>Whether the connection string holds a password.</summary>
    /// <exception cref="ArgumentException">The connection string is malformed.</exception>
    public static bool HasPassword(string name, string connectionString) =>
        !string.IsNullOrEmpty(Is(name, Postgres)
            ? new NpgsqlConnectionStringBuilder(connectionString).Password
            : new MySqlConnectionStringBuilder(connectionString).Password);

    /// <summary>Whether the database said the <c>encryption_key</c> table does not exist.</summary>
    public static bool IsMissingTable(Exception? exception) => exception switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UndefinedTable,
        MySqlException my => my.ErrorCode == MySqlErrorCode.NoSuchTable,
        _ => false,
    };

    /// <summary>
    /// The exception's message on one line: PostgreSQL's <c>STATE: text</c> without the position and detail lines Npgsql
    /// appends, else the message as is.
    /// </summary>
    public static string MessageOf(Exception exception) =>
        exception is PostgresException pg ? $"{pg.SqlState}: {pg.MessageText}" : exception.Message;

    private static DbDataSource CreatePostgres(string connectionString) =>
        new NpgsqlSlimDataSourceBuilder(connectionString).Build();

    private static DbDataSource CreateMySql(string connectionString) => new MySqlDataSource(connectionString);

    private static bool Is(string name, string expected) => string.Equals(name, expected, StringComparison.OrdinalIgnoreCase);
}

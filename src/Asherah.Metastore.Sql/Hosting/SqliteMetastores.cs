using Asherah.Metastore.Sql.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Asherah.Metastore.Sql;

/// <summary>
/// The <c>sqlite</c> metastore provider: a <see cref="SqlMetastore"/> over a SQLite file named by
/// <see cref="AsherahOptions.ConnectionString"/>, which creates its table on first use.
/// </summary>
/// <remarks>
/// The connection string is either a path (<c>/var/lib/app/keys.db</c>) or a Microsoft.Data.Sqlite connection string
/// (<c>Data Source=/var/lib/app/keys.db;Pooling=False</c>); text with an <c>=</c> is taken as the latter. The file is
/// created if missing; its directory must exist. The metastore owns its data source and disposes it.
/// </remarks>
public static class SqliteMetastores
{
    /// <summary>The provider name: <c>sqlite</c>.</summary>
    public const string Name = "sqlite";

    /// <summary>
    /// Lets <see cref="AsherahOptions.Metastore"/> choose <c>sqlite</c> on the plain path
    /// (<see cref="SessionFactoryBuilder.FromOptions"/>).
    /// </summary>
    public static AsherahProviders AddSqliteMetastore(this AsherahProviders providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        return providers.AddMetastore(
            Name,
            context => Create(context.Options.ConnectionString!, context.Services.GetService(typeof(ILogger<SqlMetastore>)) as ILogger<SqlMetastore>),
            context => Validate(context.Options.ConnectionString, ConfigurationKey));
    }

    /// <summary>
    /// Creates a SQLite metastore over <paramref name="connectionStringOrPath"/> that creates its table before first use
    /// and disposes its data source with itself.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string is empty or malformed.</exception>
    public static IMetastore Create(string connectionStringOrPath, ILogger<SqlMetastore>? logger = null)
    {
        var connectionString = ToConnectionString(connectionStringOrPath);
        var dataSource = SqliteFactory.Instance.CreateDataSource(connectionString);
        return new HostedSqlMetastore(new SqlMetastore(dataSource, SqlDialect.Sqlite, logger), ensureSchema: true, ownedDataSource: dataSource);
    }

    /// <summary>What is wrong with <paramref name="connectionStringOrPath"/> for the <c>sqlite</c> metastore, or <see langword="null"/>.</summary>
    internal static string? Validate(string? connectionStringOrPath, string setting)
    {
        if (string.IsNullOrWhiteSpace(connectionStringOrPath))
        {
            return $"The sqlite metastore needs {setting}: a file path or 'Data Source=<path>'.";
        }

        string dataSource;
        try
        {
            dataSource = new SqliteConnectionStringBuilder(ToConnectionString(connectionStringOrPath)).DataSource;
        }
        catch (ArgumentException e)
        {
            // The connection string is not echoed: it may carry a password.
            return $"{setting} is not a valid SQLite connection string: {e.Message}";
        }

        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:")
        {
            return null;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        return string.IsNullOrEmpty(directory) || Directory.Exists(directory)
            ? null
            : $"{setting}: the directory '{directory}' of the SQLite file does not exist; create it first.";
    }

    private const string ConfigurationKey = "Asherah:ConnectionString (environment ASHERAH_CONNECTION_STRING or ASHERAH_SQLITE_PATH)";

    private static string ToConnectionString(string connectionStringOrPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionStringOrPath);
        return connectionStringOrPath.Contains('=', StringComparison.Ordinal)
            ? new SqliteConnectionStringBuilder(connectionStringOrPath).ToString()
            : new SqliteConnectionStringBuilder { DataSource = connectionStringOrPath }.ToString();
    }
}

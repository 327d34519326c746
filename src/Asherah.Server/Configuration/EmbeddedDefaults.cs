using Asherah.Metastore.Sql;
using Asherah.Tools.Hosting;

namespace Asherah.Server.Configuration;

/// <summary>
/// What the server runs on when nothing is configured, as the CLI does: a SQLite metastore file and a development master
/// key file, created on first use in the data directory (<c>--data-dir</c>, <c>ASHERAH_DATA_DIR</c>, else
/// <c>$XDG_DATA_HOME/asherah</c> or <c>~/.local/share/asherah</c>).
/// </summary>
/// <remarks>
/// <code>
/// Asherah:ProductId            asherah-server
/// Asherah:ServiceId            asherah-server
/// Asherah:Metastore            sqlite
/// Asherah:ConnectionString     DATA-DIR/metastore.db          (sqlite without a connection string)
/// Asherah:Kms                  static
/// Asherah:StaticMasterKeyFile  DATA-DIR/master.key            (static without a key or key file; created, announced)
/// Asherah:AllowDevelopmentComponentsInProduction  true
/// </code>
/// The canonical server accepts the static KMS and the in-memory metastore whatever the environment, and as its drop-in
/// this one does too (the host environment is Production unless <c>ASPNETCORE_ENVIRONMENT</c> or
/// <c>DOTNET_ENVIRONMENT</c> says otherwise); <c>ASHERAH_ALLOW_DEVELOPMENT_COMPONENTS_IN_PRODUCTION=false</c> turns the
/// core's production guard back on, so a Production server refuses them.
/// A MySQL connection string in the canonical Go server's DSN form is read into a MySqlConnector one.
/// </remarks>
internal static class EmbeddedDefaults
{
    public const string Product = "asherah-server";
    public const string Service = "asherah-server";

    /// <summary>The defaults that need no data directory: the lowest configuration source.</summary>
    public static Dictionary<string, string?> Configuration() => new()
    {
        ["Asherah:ProductId"] = Product,
        ["Asherah:ServiceId"] = Service,
        ["Asherah:Metastore"] = SqliteMetastores.Name,
        ["Asherah:Kms"] = AsherahProviders.Static,
        ["Asherah:AllowDevelopmentComponentsInProduction"] = "true",
    };

    /// <summary>
    /// Completes <paramref name="options"/> (read from the whole configuration) with the file defaults; returns the
    /// development key file when it is used, so the caller can announce it.
    /// </summary>
    /// <exception cref="InvalidSettingException">No data directory can be found, or the key file's path is a directory.</exception>
    /// <exception cref="SetupException">The data directory or the key file cannot be created.</exception>
    public static string? Complete(AsherahOptions options, string? dataDirectory, Func<string, string?> getVariable)
    {
        string DataDirectoryPath()
        {
            var given = dataDirectory ?? getVariable("ASHERAH_DATA_DIR");
            return Path.GetFullPath(string.IsNullOrEmpty(given) ? DataDirectory.Default(getVariable) : given);
        }

        if (string.Equals(options.Metastore, SqliteMetastores.Name, StringComparison.OrdinalIgnoreCase) && string.IsNullOrEmpty(options.ConnectionString))
        {
            var directory = DataDirectoryPath();
            try
            {
                DataDirectory.Ensure(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SetupException($"cannot create the data directory '{directory}': {DataDirectory.Explain(directory, e)}", e);
            }

            options.ConnectionString = Path.Combine(directory, "metastore.db");
        }

        if (ServerMetastores.Contains(options.Metastore) && options.ConnectionString is { } dsn)
        {
            try
            {
                options.ConnectionString = ServerMetastores.DriverConnectionString(options.Metastore!, dsn);
            }
            catch (ArgumentException e)
            {
                throw new InvalidSettingException($"--conn (environment ASHERAH_CONNECTION_STRING) is not a valid MySQL connection string: {e.Message}", e);
            }
        }

        if (string.Equals(options.Kms, AsherahProviders.Static, StringComparison.OrdinalIgnoreCase)
            && string.IsNullOrEmpty(options.StaticMasterKey) && string.IsNullOrEmpty(options.StaticMasterKeyFile))
        {
            var keyFile = Path.Combine(DataDirectoryPath(), "master.key");
            DevelopmentMasterKey.EnsureCreated(keyFile);
            options.StaticMasterKeyFile = keyFile;
            return keyFile;
        }

        return null;
    }
}

using System.CommandLine;

namespace Asherah.Cli.Configuration;

/// <summary>
/// The options that choose product, service, metastore and master key; each falls back to an <c>ASHERAH_*</c>
/// environment variable, then to the embedded defaults. The command line wins.
/// </summary>
internal sealed class EnvironmentOptions
{
    public const string DefaultProduct = "asherah-cli";
    public const string DefaultService = "asherah-cli";

    private readonly Option<string?> _product = new("--product")
    {
        Description = $"Product id (env ASHERAH_PRODUCT; default {DefaultProduct}).",
    };

    private readonly Option<string?> _service = new("--service")
    {
        Description = $"Service id (env ASHERAH_SERVICE; default {DefaultService}).",
    };

    private readonly Option<string?> _metastore = new("--metastore")
    {
        Description = "Metastore: sqlite or memory (env ASHERAH_METASTORE; default sqlite).",
    };

    private readonly Option<string?> _sqlitePath = new("--sqlite-path")
    {
        Description = "SQLite metastore file (env ASHERAH_SQLITE_PATH; default <data-dir>/metastore.db).",
    };

    private readonly Option<string?> _masterKeyFile = new("--master-key-file")
    {
        Description = "Development master key file, created on first use (env ASHERAH_MASTER_KEY_FILE; default <data-dir>/master.key).",
    };

    private readonly Option<string?> _staticMasterKey = new("--static-master-key")
    {
        Description = "Static master key, exactly 32 UTF-8 bytes; wins over the key file (env ASHERAH_STATIC_MASTER_KEY).",
    };

    private readonly Option<string?> _dataDir = new("--data-dir")
    {
        Description = "Where the embedded defaults live (env ASHERAH_DATA_DIR; default $XDG_DATA_HOME/asherah or ~/.local/share/asherah).",
    };

    public EnvironmentOptions()
    {
        _metastore.AcceptOnlyFromAmong("sqlite", "memory");
    }

    public void AddTo(Command command)
    {
        command.Add(_product);
        command.Add(_service);
        command.Add(_metastore);
        command.Add(_sqlitePath);
        command.Add(_masterKeyFile);
        command.Add(_staticMasterKey);
        command.Add(_dataDir);
    }

    /// <summary>The warning printed when the static master key is given on the command line.</summary>
    public const string CommandLineKeyWarning =
        "asherah: warning: --static-master-key on the command line is visible to other users (ps, /proc/PID/cmdline); " +
        "set ASHERAH_STATIC_MASTER_KEY or use --master-key-file instead.";

    /// <summary>
    /// Resolves the settings. An option given on the command line with an empty or whitespace-only value is a usage
    /// error (it would otherwise fall back silently); an empty environment variable counts as unset.
    /// </summary>
    public CliSettings Resolve(ParseResult parseResult, CliConsole console)
    {
        string? Pick(Option<string?> option, string variable)
        {
            if (parseResult.GetResult(option) is { Implicit: false })
            {
                var given = parseResult.GetValue(option);
                if (string.IsNullOrWhiteSpace(given))
                {
                    throw new UsageException($"{option.Name} must not be empty or only whitespace.");
                }

                return given;
            }

            var value = console.GetVariable(variable);
            if (value is not null && string.IsNullOrWhiteSpace(value))
            {
                throw new UsageException($"{variable} must not be only whitespace.");
            }

            return value;
        }

        var dataDir = Path.GetFullPath(Pick(_dataDir, "ASHERAH_DATA_DIR") ?? DataDirectory.Default(console));
        var metastore = Pick(_metastore, "ASHERAH_METASTORE")?.ToLowerInvariant() switch
        {
            null or "sqlite" => MetastoreKind.Sqlite,
            "memory" => MetastoreKind.Memory,
            var other => throw new UsageException($"Unknown metastore '{other}' (ASHERAH_METASTORE): use sqlite or memory."),
        };

        var settings = new CliSettings(
            Product: Pick(_product, "ASHERAH_PRODUCT") ?? DefaultProduct,
            Service: Pick(_service, "ASHERAH_SERVICE") ?? DefaultService,
            Metastore: metastore,
            DataDirectory: dataDir,
            SqlitePath: Path.GetFullPath(Pick(_sqlitePath, "ASHERAH_SQLITE_PATH") ?? Path.Combine(dataDir, "metastore.db")),
            MasterKeyFile: Path.GetFullPath(Pick(_masterKeyFile, "ASHERAH_MASTER_KEY_FILE") ?? Path.Combine(dataDir, "master.key")),
            StaticMasterKey: Pick(_staticMasterKey, "ASHERAH_STATIC_MASTER_KEY"));
        if (parseResult.GetResult(_staticMasterKey) is { Implicit: false })
        {
            console.Error.WriteLine(CommandLineKeyWarning);
        }

        return settings;
    }
}

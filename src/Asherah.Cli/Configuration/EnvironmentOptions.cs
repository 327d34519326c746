using System.CommandLine;
using System.Text.RegularExpressions;
using Asherah.Metastore.DynamoDb;
using Asherah.Metastore.Sql;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace Asherah.Cli.Configuration;

/// <summary>
/// The options that choose product, service, metastore and master key. The command line is one configuration source
/// over the core's <c>ASHERAH_*</c> variables (<see cref="AsherahEnvironmentVariables"/>), which are one over the CLI's
/// embedded defaults; <see cref="AsherahOptions.FromConfiguration"/> reads the result. The command line wins.
/// </summary>
/// <remarks>
/// The CLI itself only finds the data directory (<c>--data-dir</c>, <c>ASHERAH_DATA_DIR</c>, the XDG default) and
/// derives the defaults from it:
/// <code>
/// Asherah:ProductId            asherah-cli
/// Asherah:ServiceId            asherah-cli
/// Asherah:Metastore            sqlite
/// Asherah:ConnectionString     Data Source=DATA-DIR/metastore.db;Pooling=False   (sqlite only)
/// Asherah:Kms                  static
/// Asherah:StaticMasterKeyFile  DATA-DIR/master.key   (created on first use: the development key)
/// </code>
/// The server metastores (<c>postgres</c>, <c>mysql</c>, <c>rdbms</c>) have no default connection string, and use an
/// existing table unless <c>--create-table</c> is given: the CLI is an operator tool, and on a shared database the
/// schema usually belongs to a DBA (the user may not even be allowed to create tables). <c>dynamodb</c> is configured with
/// the canonical Go server's options (<c>--dynamodb-endpoint</c>, <c>--dynamodb-region</c>, <c>--dynamodb-table-name</c>,
/// <c>--enable-region-suffix</c>) and creates its table only with <c>--create-table</c> too; <c>--kms aws</c> takes
/// <c>--region-map REGION=ARN,...</c> and <c>--preferred-region</c>. AWS credentials and endpoint overrides
/// (<c>AWS_ENDPOINT_URL_KMS</c>) come from the AWS SDK's standard chain.
/// </remarks>
internal sealed partial class EnvironmentOptions
{
    public const string DefaultProduct = "asherah-cli";
    public const string DefaultService = "asherah-cli";

    private const string ProductKey = "Asherah:ProductId";
    private const string ServiceKey = "Asherah:ServiceId";
    private const string MetastoreKey = "Asherah:Metastore";
    private const string ConnectionStringKey = "Asherah:ConnectionString";
    /// <summary>The configuration key of the key management service's name.</summary>
    internal const string KmsKey = "Asherah:Kms";
    private const string StaticMasterKeyKey = "Asherah:StaticMasterKey";
    private const string MasterKeyFileKey = "Asherah:StaticMasterKeyFile";
    private const string RegionMapKey = "Asherah:RegionMap";
    private const string PreferredRegionKey = "Asherah:PreferredRegion";
    private const string DynamoDbEndpointKey = "Asherah:DynamoDbEndpoint";
    private const string DynamoDbRegionKey = "Asherah:DynamoDbRegion";
    private const string DynamoDbTableNameKey = "Asherah:DynamoDbTableName";
    private const string EnableRegionSuffixKey = "Asherah:EnableRegionSuffix";

    /// <summary>
    /// The text settings the CLI reads, and the option that sets each; checked for blank values and used to name
    /// settings by their options in messages.
    /// </summary>
    private static readonly (string Key, string Option)[] Settings =
    [
        (ProductKey, "--product"),
        (ServiceKey, "--service"),
        (MetastoreKey, "--metastore"),
        (ConnectionStringKey, "--conn"),
        (StaticMasterKeyKey, "--static-master-key"),
        (MasterKeyFileKey, "--master-key-file"),
        (KmsKey, "--kms"),
        (RegionMapKey, "--region-map"),
        (PreferredRegionKey, "--preferred-region"),
        (DynamoDbEndpointKey, "--dynamodb-endpoint"),
        (DynamoDbRegionKey, "--dynamodb-region"),
        (DynamoDbTableNameKey, "--dynamodb-table-name"),
        (EnableRegionSuffixKey, "--enable-region-suffix"),
    ];

    private readonly Option<string?> _product = new("--product")
    {
        Description = $"Product id (env {Variables(ProductKey)}; default {DefaultProduct}).",
    };

    private readonly Option<string?> _service = new("--service")
    {
        Description = $"Service id (env {Variables(ServiceKey)}; default {DefaultService}).",
    };

    private readonly Option<string?> _metastore = new("--metastore")
    {
        Description = $"Metastore: {string.Join(" or ", AsherahHost.Providers().MetastoreNames)} (env {Variables(MetastoreKey)}; default sqlite). " +
            "postgres, mysql and rdbms (the canonical server's name for MySQL) need --conn; dynamodb takes the --dynamodb-* options.",
    };

    private readonly Option<string?> _connection = new("--conn", "--connection-string")
    {
        Description = "Metastore connection string: for postgres an Npgsql one ('Host=db;Username=app;Password=...;Database=keys'), " +
            "for mysql and rdbms a MySqlConnector one ('Server=db;User ID=app;Password=...;Database=keys') or the canonical Go server's DSN ('app:...@tcp(db:3306)/keys'), for sqlite a file or 'Data Source=...' " +
            $"(env {Variables(ConnectionStringKey)}; default for sqlite <data-dir>/metastore.db). Prefer the environment for a password: the command line is visible to other users.",
    };

    private readonly Option<string?> _sqlitePath = new("--sqlite-path")
    {
        Description = $"SQLite metastore file or connection string, as --conn for --metastore sqlite (env {Variables(ConnectionStringKey)}; default <data-dir>/metastore.db).",
    };

    private readonly Option<bool> _createTable = new("--create-table")
    {
        Description = "For postgres, mysql and rdbms: create the encryption_key table if it does not exist (CREATE TABLE IF NOT EXISTS) before first use; " +
            "for dynamodb: create the table (hash key Id, range key Created, on-demand) if it does not exist and wait until it is active. " +
            "Off by default: the table must exist (a DBA or infrastructure code usually owns it, and the user may lack the privilege). sqlite always creates its table.",
    };

    private readonly Option<string?> _dynamoDbEndpoint = new("--dynamodb-endpoint")
    {
        Description = $"For dynamodb: the endpoint URL, for DynamoDB Local, dynalite or a VPC endpoint (env {Variables(DynamoDbEndpointKey)}; default the region's endpoint).",
    };

    private readonly Option<string?> _dynamoDbRegion = new("--dynamodb-region")
    {
        Description = $"For dynamodb: the AWS region (env {Variables(DynamoDbRegionKey)}; default the AWS SDK's: AWS_REGION, the profile).",
    };

    private readonly Option<string?> _dynamoDbTableName = new("--dynamodb-table-name")
    {
        Description = $"For dynamodb: the table (env {Variables(DynamoDbTableNameKey)}; default {DynamoDbMetastoreOptions.DefaultTableName}).",
    };

    private readonly Option<bool> _enableRegionSuffix = new("--enable-region-suffix")
    {
        Description = $"For dynamodb: end system and intermediate key ids in _REGION, as global tables need (env {Variables(EnableRegionSuffixKey)}).",
    };

    private readonly Option<string?> _kms = new("--kms")
    {
        Description = $"Key management service: {string.Join(" or ", AsherahHost.Providers().KeyManagementServiceNames)} (env {Variables(KmsKey)}; default static). " +
            "aws needs --region-map; credentials and endpoints come from the AWS SDK's chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL_KMS, ...).",
    };

    private readonly Option<string?> _regionMap = new("--region-map")
    {
        Description = $"For --kms aws: REGION=KEY-ARN pairs, comma-separated, preferred first (env {Variables(RegionMapKey)}).",
    };

    private readonly Option<string?> _preferredRegion = new("--preferred-region")
    {
        Description = $"For --kms aws: the region of --region-map to use first (env {Variables(PreferredRegionKey)}; default the first listed).",
    };

    private readonly Option<string?> _masterKeyFile = new("--master-key-file")
    {
        Description = $"Development master key file, created on first use (env {Variables(MasterKeyFileKey)}; default <data-dir>/master.key).",
    };

    private readonly Option<string?> _staticMasterKey = new("--static-master-key")
    {
        Description = $"Static master key, exactly 32 UTF-8 bytes; wins over the key file (env {Variables(StaticMasterKeyKey)}).",
    };

    private readonly Option<string?> _dataDir = new("--data-dir")
    {
        Description = "Where the embedded defaults live (env ASHERAH_DATA_DIR; default $XDG_DATA_HOME/asherah or ~/.local/share/asherah).",
    };

    public EnvironmentOptions()
    {
        _metastore.AcceptOnlyFromAmong([.. AsherahHost.Providers().MetastoreNames]);
        _kms.AcceptOnlyFromAmong([.. AsherahHost.Providers().KeyManagementServiceNames]);
    }

    public void AddTo(Command command)
    {
        command.Add(_product);
        command.Add(_service);
        command.Add(_metastore);
        command.Add(_connection);
        command.Add(_sqlitePath);
        command.Add(_createTable);
        command.Add(_dynamoDbEndpoint);
        command.Add(_dynamoDbRegion);
        command.Add(_dynamoDbTableName);
        command.Add(_enableRegionSuffix);
        command.Add(_kms);
        command.Add(_regionMap);
        command.Add(_preferredRegion);
        command.Add(_masterKeyFile);
        command.Add(_staticMasterKey);
        command.Add(_dataDir);
    }

    /// <summary>The warning printed when the static master key is given on the command line.</summary>
    public const string CommandLineKeyWarning =
        "asherah: warning: --static-master-key on the command line is visible to other users (ps, /proc/PID/cmdline); " +
        "set ASHERAH_STATIC_MASTER_KEY or use --master-key-file instead.";

    /// <summary>The warning printed when a server connection string with a password is given on the command line.</summary>
    public const string CommandLinePasswordWarning =
        "asherah: warning: --conn holds a password, visible to other users on the command line (ps, /proc/PID/cmdline); " +
        "set ASHERAH_CONNECTION_STRING instead.";

    /// <summary>
    /// Resolves the settings: command line over <c>ASHERAH_*</c> variables over the embedded defaults. An option given
    /// on the command line with an empty or whitespace-only value is a usage error (it would otherwise fall back
    /// silently); an empty environment variable counts as unset, a whitespace-only one is a usage error.
    /// </summary>
    /// <exception cref="InvalidSettingException">A value is blank, malformed, names an unknown metastore, or two variables of one setting disagree.</exception>
    public CliSettings Resolve(ParseResult parseResult, CliConsole console)
    {
        var dataDirValue = CommandLineValue(parseResult, _dataDir) ?? console.GetVariable("ASHERAH_DATA_DIR");
        if (dataDirValue is not null && string.IsNullOrWhiteSpace(dataDirValue))
        {
            throw new InvalidSettingException("ASHERAH_DATA_DIR must not be only whitespace.");
        }

        var dataDir = Path.GetFullPath(dataDirValue ?? DataDirectory.Default(console.GetVariable));
        var defaults = new Dictionary<string, string?>
        {
            [ProductKey] = DefaultProduct,
            [ServiceKey] = DefaultService,
            [MetastoreKey] = SqliteMetastores.Name,
            [KmsKey] = AsherahProviders.Static,
            [MasterKeyFileKey] = Path.Combine(dataDir, "master.key"),
        };
        var connection = CommandLineValue(parseResult, _connection);
        var sqlitePathOption = CommandLineValue(parseResult, _sqlitePath);
        if (connection is not null && sqlitePathOption is not null)
        {
            throw new InvalidSettingException("Give --conn or --sqlite-path, not both.");
        }

        var commandLine = new Dictionary<string, string?>
        {
            [ProductKey] = CommandLineValue(parseResult, _product),
            [ServiceKey] = CommandLineValue(parseResult, _service),
            [MetastoreKey] = CommandLineValue(parseResult, _metastore),
            [ConnectionStringKey] = connection ?? sqlitePathOption,
            [StaticMasterKeyKey] = CommandLineValue(parseResult, _staticMasterKey),
            [MasterKeyFileKey] = CommandLineValue(parseResult, _masterKeyFile),
            [KmsKey] = CommandLineValue(parseResult, _kms),
            [RegionMapKey] = CommandLineValue(parseResult, _regionMap),
            [PreferredRegionKey] = CommandLineValue(parseResult, _preferredRegion),
            [DynamoDbEndpointKey] = CommandLineValue(parseResult, _dynamoDbEndpoint),
            [DynamoDbRegionKey] = CommandLineValue(parseResult, _dynamoDbRegion),
            [DynamoDbTableNameKey] = CommandLineValue(parseResult, _dynamoDbTableName),
            [EnableRegionSuffixKey] = parseResult.GetResult(_enableRegionSuffix) is { Implicit: false }
                ? (parseResult.GetValue(_enableRegionSuffix) ? "true" : "false")
                : null,
        };

        IConfigurationRoot configuration;
        try
        {
            configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(defaults)
                .AddAsherahEnvironmentVariables(console.GetVariable)
                .AddInMemoryCollection(commandLine.Where(e => e.Value is not null))
                .Build();
        }
        catch (InvalidOperationException e)
        {
            // Two names of one setting disagree; the message names both variables, never their values.
            throw new InvalidSettingException(Translate(e.Message), e);
        }

        foreach (var (key, _) in Settings)
        {
            if (configuration[key] is { Length: > 0 } value && string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidSettingException($"{Describe(key)} must not be only whitespace.");
            }
        }

        var options = AsherahOptions.FromConfiguration(configuration);
        var providers = AsherahHost.Providers();
        if (!providers.MetastoreNames.Contains(options.Metastore!, StringComparer.OrdinalIgnoreCase))
        {
            throw new InvalidSettingException($"{Describe(MetastoreKey)} is '{options.Metastore}', which is not a metastore: use {string.Join(" or ", providers.MetastoreNames)}.");
        }

        string? sqlitePath = null;
        DynamoDbMetastoreOptions? dynamoDb = null;
        if (string.Equals(options.Metastore, DynamoDbMetastores.Name, StringComparison.OrdinalIgnoreCase))
        {
            dynamoDb = CheckDynamoDb(configuration, sqlitePathOption is not null, connection is not null);
        }
        else if (string.Equals(options.Metastore, SqliteMetastores.Name, StringComparison.OrdinalIgnoreCase))
        {
            (options.ConnectionString, sqlitePath) = NormalizeSqlite(options.ConnectionString ?? Path.Combine(dataDir, "metastore.db"));
        }
        else if (ServerMetastores.Contains(options.Metastore))
        {
            options.ConnectionString = CheckServer(options.Metastore!.ToLowerInvariant(), options.ConnectionString, sqlitePathOption is not null, connection is not null, console);
        }

        options.StaticMasterKeyFile = Path.GetFullPath(options.StaticMasterKeyFile!);
        if (parseResult.GetResult(_staticMasterKey) is { Implicit: false })
        {
            console.Error.WriteLine(CommandLineKeyWarning);
        }

        return new CliSettings(options, dataDir, sqlitePath, parseResult.GetValue(_createTable), dynamoDb);
    }

    /// <summary>
    /// Restates a message of the core's configuration layer for the CLI: each configuration key the command line can
    /// set is named by its option ("--product (environment ASHERAH_PRODUCT_NAME or ASHERAH_PRODUCT)").
    /// </summary>
    public static string Translate(string message) =>
        ConfigurationKey().Replace(message, match =>
        {
            foreach (var (key, option) in Settings)
            {
                if (option.Length > 0 && string.Equals(key, match.Value, StringComparison.OrdinalIgnoreCase))
                {
                    return option;
                }
            }

            return match.Value;
        });

    /// <summary>"--product (environment ASHERAH_PRODUCT_NAME or ASHERAH_PRODUCT)" for <c>Asherah:ProductId</c>.</summary>
    internal static string Describe(string key) => Translate($"{key} (environment {Variables(key)})");

    /// <summary>The <c>ASHERAH_*</c> variables that set <paramref name="key"/>, in ordinal order.</summary>
    private static string Variables(string key) =>
        string.Join(" or ", AsherahEnvironmentVariables.ConfigurationKeys.Where(e => e.Value == key).Select(e => e.Key).Order(StringComparer.Ordinal));

    /// <summary>The value given on the command line, or null when the option was not given.</summary>
    /// <exception cref="InvalidSettingException">The option was given with an empty or whitespace-only value.</exception>
    private static string? CommandLineValue(ParseResult parseResult, Option<string?> option)
    {
        if (parseResult.GetResult(option) is not { Implicit: false })
        {
            return null;
        }

        var given = parseResult.GetValue(option);
        return string.IsNullOrWhiteSpace(given)
            ? throw new InvalidSettingException($"{option.Name} must not be empty or only whitespace.")
            : given;
    }

    /// <summary>
    /// Checks the settings of a server metastore before anything connects: a connection string is given (there is no
    /// default), it parses, and a password in it given on the command line draws a warning. The connection string is
    /// never echoed. For MySQL, the canonical Go server's DSN (<c>user:password@tcp(host:3306)/db</c>) is read too
    /// (<see cref="GoMySqlDsn"/>). Returns the connection string to open.
    /// </summary>
    /// <exception cref="InvalidSettingException">No connection string, a malformed one, or <c>--sqlite-path</c> for a server.</exception>
    private static string CheckServer(string name, string? connectionString, bool sqlitePathGiven, bool givenOnCommandLine, CliConsole console)
    {
        if (sqlitePathGiven)
        {
            throw new InvalidSettingException($"--sqlite-path is for --metastore sqlite; give the {name} connection string with --conn or ASHERAH_CONNECTION_STRING.");
        }

        if (string.IsNullOrEmpty(connectionString))
        {
            throw new InvalidSettingException($"--metastore {name} needs --conn (environment ASHERAH_CONNECTION_STRING): the database's connection string.");
        }

        try
        {
            connectionString = ServerMetastores.DriverConnectionString(name, connectionString);

            if (givenOnCommandLine && ServerMetastores.HasPassword(name, connectionString))
            {
                console.Error.WriteLine(CommandLinePasswordWarning);
            }

            ServerMetastores.Describe(name, connectionString);
            return connectionString;
        }
        catch (ArgumentException e)
        {
            // The driver's message names the keyword it rejected; the connection string is not echoed.
            throw new InvalidSettingException($"--conn (environment ASHERAH_CONNECTION_STRING) is not a valid {name} connection string: {e.Message}", e);
        }
    }

    /// <summary>
    /// Reads the <c>dynamodb</c> settings as its provider will (<see cref="DynamoDbMetastoreOptions.FromConfiguration"/>),
    /// so that a bad one is a usage error before anything connects, for every command (<c>keys list</c> builds no factory).
    /// </summary>
    /// <exception cref="InvalidSettingException">A value is malformed, or a SQL connection option is given.</exception>
    private static DynamoDbMetastoreOptions CheckDynamoDb(IConfiguration configuration, bool sqlitePathGiven, bool connectionGiven)
    {
        if (sqlitePathGiven || connectionGiven)
        {
            throw new InvalidSettingException($"{(sqlitePathGiven ? "--sqlite-path" : "--conn")} is not a dynamodb setting; use --dynamodb-endpoint, --dynamodb-region and --dynamodb-table-name.");
        }

        try
        {
            return DynamoDbMetastoreOptions.FromConfiguration(configuration.GetSection(AsherahOptions.SectionName));
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidSettingException(Translate(e.Message), e);
        }
    }

    /// <summary>
    /// The SQLite connection string the CLI opens (the file as a full path, no pooling: an invocation is short, and a
    /// pooled handle would keep the file open after the command ends) and the file, for messages. A value without
    /// <c>=</c> is a path, as for the core's <c>sqlite</c> provider.
    /// </summary>
    private static (string ConnectionString, string? Path) NormalizeSqlite(string connectionStringOrPath)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = connectionStringOrPath.Contains('=', StringComparison.Ordinal)
                ? new SqliteConnectionStringBuilder(connectionStringOrPath)
                : new SqliteConnectionStringBuilder { DataSource = connectionStringOrPath };
        }
        catch (ArgumentException e)
        {
            // Not echoed: a connection string may carry a password.
            throw new InvalidSettingException($"{Describe(ConnectionStringKey)} is not a valid SQLite connection string: {e.Message}", e);
        }

        string? path = null;
        if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            path = Path.GetFullPath(builder.DataSource);
            builder.DataSource = path;
        }

        builder.Pooling = false;
        return (builder.ToString(), path);
    }

    [GeneratedRegex(@"\bAsherah:[A-Za-z]+\b")]
    private static partial Regex ConfigurationKey();
}

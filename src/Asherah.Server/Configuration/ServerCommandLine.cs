using System.CommandLine;

namespace Asherah.Server.Configuration;

/// <summary>
/// The canonical Go server's command line (same names, same syntax: <c>--flag value</c> or <c>--flag=value</c>, Go
/// durations such as <c>2160h</c>, bare boolean flags), plus this server's own options. Each option sets one
/// configuration key, so the command line is one configuration source over <c>appsettings.json</c> and the
/// <c>ASHERAH_*</c> variables, and wins over them.
/// </summary>
/// <remarks>
/// <code>
/// canonical                         key                                this server's own     key
/// -s, --socket-file                 AsherahServer:SocketFile           --listen HOST:PORT    AsherahServer:Listen
/// --service / --product             Asherah:ServiceId / ProductId      --data-dir            AsherahServer:DataDirectory
/// --expire-after, --check-interval  Asherah:ExpireAfter, CheckInterval --create-table        AsherahServer:CreateTable
/// --metastore, --conn               Asherah:Metastore, ConnectionString --max-message-size   AsherahServer:MaxMessageSize
/// --replica-read-consistency        Asherah:ReplicaReadConsistency     --shutdown-grace      AsherahServer:ShutdownGrace
/// --dynamodb-endpoint|region|table-name, --enable-region-suffix        --static-master-key   Asherah:StaticMasterKey
/// --session-cache-max-size|duration, --enable-session-caching          --master-key-file     Asherah:StaticMasterKeyFile
/// --kms, --region-map, --preferred-region, -v/--verbose
/// </code>
/// </remarks>
internal sealed class ServerCommandLine
{
    /// <summary>The section of the server's own settings.</summary>
    public const string Section = "AsherahServer";

    private readonly RootCommand _root = new("asherah-server: a drop-in replacement for canonical Asherah's gRPC sidecar (asherah.apps.server.AppEncryption over a Unix domain socket).");
    private readonly List<(Option<string?> Option, string Key)> _values = [];
    private readonly List<(Option<bool> Option, string Key)> _flags = [];

    public ServerCommandLine()
    {
        Value("--socket-file", $"{Section}:SocketFile", $"The Unix domain socket the server listens on (default {ServerSettings.DefaultSocketFile}).", "-s");
        Value("--service", "Asherah:ServiceId", "The name of this service (env ASHERAH_SERVICE_NAME; default asherah-server).");
        Value("--product", "Asherah:ProductId", "The name of the product that owns this service (env ASHERAH_PRODUCT_NAME; default asherah-server).");
        Value("--expire-after", "Asherah:ExpireAfter", "How long a key is valid, a Go duration such as 2160h (env ASHERAH_EXPIRE_AFTER; default 2160h).");
        Value("--check-interval", "Asherah:CheckInterval", "How long cached keys are trusted before a revocation check, such as 60m (env ASHERAH_CHECK_INTERVAL; default 60m).");
        Value("--metastore", "Asherah:Metastore", "The metastore: rdbms (MySQL, canonical's name), mysql, postgres, sqlite, dynamodb or memory (env ASHERAH_METASTORE_MODE; default sqlite under the data directory).");
        Value("--conn", "Asherah:ConnectionString", "The metastore's connection string: a Go MySQL DSN (user:pw@tcp(host:3306)/db) or MySqlConnector string for rdbms/mysql, an Npgsql string for postgres, a file for sqlite (env ASHERAH_CONNECTION_STRING).");
        Value("--replica-read-consistency", "Asherah:ReplicaReadConsistency", "Aurora MySQL replica read consistency (eventual, global, session); accepted for compatibility, no effect (env ASHERAH_REPLICA_READ_CONSISTENCY).");
        Value("--dynamodb-endpoint", "Asherah:DynamoDbEndpoint", "For dynamodb: the endpoint URL (env ASHERAH_DYNAMODB_ENDPOINT).");
        Value("--dynamodb-region", "Asherah:DynamoDbRegion", "For dynamodb: the AWS region (env ASHERAH_DYNAMODB_REGION).");
        Value("--dynamodb-table-name", "Asherah:DynamoDbTableName", "For dynamodb: the table (env ASHERAH_DYNAMODB_TABLE_NAME; default EncryptionKey).");
        Flag("--enable-region-suffix", "Asherah:EnableRegionSuffix", "For dynamodb: suffix key ids with the region, for global tables (env ASHERAH_ENABLE_REGION_SUFFIX).");
        Value("--session-cache-max-size", "Asherah:SessionCacheMaxSize", "The most sessions cached (env ASHERAH_SESSION_CACHE_MAX_SIZE; default 1000).");
        Value("--session-cache-duration", "Asherah:SessionCacheDuration", "How long a cached session lives, such as 2h (env ASHERAH_SESSION_CACHE_DURATION; default 2h).");
        Flag("--enable-session-caching", "Asherah:EnableSessionCaching", "Cache sessions across streams of one partition (env ASHERAH_ENABLE_SESSION_CACHING).");
        Value("--kms", "Asherah:Kms", "The master key service: aws or static (env ASHERAH_KMS_MODE; default static with the development key file).");
        Value("--region-map", "Asherah:RegionMap", "For aws: REGION1=ARN1[,REGION2=ARN2] (env ASHERAH_REGION_MAP).");
        Value("--preferred-region", "Asherah:PreferredRegion", "For aws: the region to use first (env ASHERAH_PREFERRED_REGION).");
        Value("--static-master-key", "Asherah:StaticMasterKey", "For static: the master key, 32 bytes; prefer ASHERAH_STATIC_MASTER_KEY, the command line is visible to other users.");
        Value("--master-key-file", "Asherah:StaticMasterKeyFile", "For static: a file holding the master key (env ASHERAH_MASTER_KEY_FILE; default DATA-DIR/master.key, created on first use).");
        Value("--listen", $"{Section}:Listen", "Also listen on TCP, HOST:PORT such as 127.0.0.1:50051 (plaintext HTTP/2: keep it on loopback or a private network).");
        Value("--data-dir", $"{Section}:DataDirectory", "Where the embedded defaults live (env ASHERAH_DATA_DIR; default $XDG_DATA_HOME/asherah or ~/.local/share/asherah).");
        Flag("--create-table", $"{Section}:CreateTable", "For postgres, mysql and rdbms: create the encryption_key table if it does not exist.");
        Value("--max-message-size", $"{Section}:MaxMessageSize", "The largest request message in bytes (default 4194304, gRPC's).");
        Value("--shutdown-grace", $"{Section}:ShutdownGrace", "How long open streams are served after SIGTERM before they end with UNAVAILABLE, such as 10s (default 10s).");
        Flag("--verbose", "Asherah:Verbose", "Log each session opened and closed and each failed operation (env ASHERAH_VERBOSE).", "-v");
    }

    /// <summary>
    /// Parses <paramref name="args"/>: the configuration keys the command line sets, or <see langword="null"/> after
    /// printing help or the version (exit 0) or a usage error (exit 2) to <paramref name="output"/> and
    /// <paramref name="error"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string?>? Parse(string[] args, TextWriter output, TextWriter error, out int exitCode)
    {
        Dictionary<string, string?>? values = null;
        _root.SetAction(parseResult =>
        {
            values = [];
            foreach (var (option, key) in _values)
            {
                if (parseResult.GetResult(option) is { Implicit: false })
                {
                    var value = parseResult.GetValue(option);
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        error.WriteLine($"asherah-server: {option.Name} must not be empty.");
                        values = null;
                        return 2;
                    }

                    values[key] = value;
                }
            }

            foreach (var (option, key) in _flags)
            {
                if (parseResult.GetResult(option) is { Implicit: false })
                {
                    values[key] = parseResult.GetValue(option) ? "true" : "false";
                }
            }

            return 0;
        });

        var parsed = _root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                error.WriteLine($"asherah-server: {string.Join(' ', parseError.Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))}");
            }

            error.WriteLine("Run 'asherah-server --help' for usage.");
            exitCode = 2;
            return null;
        }

        exitCode = parsed.Invoke(new InvocationConfiguration { Output = output, Error = error });
        return exitCode == 0 ? values : null;
    }

    private void Value(string name, string key, string description, string? alias = null)
    {
        var option = alias is null ? new Option<string?>(name) : new Option<string?>(name, alias);
        option.Description = description;
        _root.Add(option);
        _values.Add((option, key));
    }

    private void Flag(string name, string key, string description, string? alias = null)
    {
        var option = alias is null ? new Option<bool>(name) : new Option<bool>(name, alias);
        option.Description = description;
        _root.Add(option);
        _flags.Add((option, key));
    }
}

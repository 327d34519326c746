using Asherah.Kms.Aws;
using Asherah.Metastore.DynamoDb;
using Asherah.Metastore.Sql;

namespace Asherah.Cli.Configuration;

/// <summary>
/// The metastore of one invocation, made by the core's named providers, and a session factory over it
/// (<see cref="SessionFactoryBuilder.FromOptions"/>) when a command encrypts or decrypts.
/// </summary>
internal sealed class AsherahHost : IAsyncDisposable
{
    private readonly IMetastore _owned;
    private SessionFactory? _factory;

    private AsherahHost(CliSettings settings, IMetastore owned, IMetastore metastore)
    {
        Settings = settings;
        _owned = owned;
        Metastore = metastore;
    }

    public CliSettings Settings { get; }

    /// <summary>The metastore; for SQLite, one whose failures name the file and SQLite's reason.</summary>
    public IMetastore Metastore { get; }

    /// <summary>The metastore's key listing.</summary>
    /// <exception cref="CliException">The metastore cannot list its keys.</exception>
    public IMetastoreCatalog Catalog => Metastore as IMetastoreCatalog
        ?? throw new CliException($"the metastore '{Settings.Options.Metastore}' cannot list its keys.");

    /// <summary>The metastore's revocation (<c>keys revoke</c>, <c>keys rotate</c>).</summary>
    /// <exception cref="CliException">The metastore cannot revoke keys.</exception>
    public IKeyRevoker Revoker => Metastore switch
    {
        ExplainingMetastore explaining when explaining.CanRevoke => explaining,
        ExplainingMetastore => throw CannotRevoke(),
        IKeyRevoker revoker => revoker,
        _ => throw CannotRevoke(),
    };

    private CliException CannotRevoke() => new($"the metastore '{Settings.Options.Metastore}' cannot revoke keys.");

    /// <summary>
    /// The providers the CLI can name: the core's <c>memory</c> and <c>static</c>, <c>sqlite</c>, the server metastores
    /// <c>postgres</c>, <c>mysql</c> and <c>rdbms</c>, which create their table first only when <paramref name="createTable"/>,
    /// <c>dynamodb</c> (its table is created by <see cref="EnsureTableAsync"/>) and the <c>aws</c> KMS.
    /// </summary>
    public static AsherahProviders Providers(bool createTable = false) =>
        new AsherahProviders().AddSqliteMetastore().AddServerMetastores(createTable).AddDynamoDbMetastore().AddAwsKms();

    /// <summary>
    /// Creates the configured metastore; for SQLite, first the file's directory (owner-only), and the table on first use;
    /// for a server, the table on first use only with <see cref="CliSettings.CreateTable"/>.
    /// </summary>
    /// <exception cref="CliException">The SQLite file's directory cannot be created.</exception>
    public static AsherahHost Open(CliSettings settings)
    {
        var directory = Path.GetDirectoryName(settings.SqlitePath);
        if (!string.IsNullOrEmpty(directory))
        {
            try
            {
                DataDirectory.Ensure(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"cannot create the directory of the SQLite metastore '{settings.SqlitePath}': {DataDirectory.Explain(directory, e)}", e);
            }
        }

        var options = settings.Options;
        var metastore = Providers(settings.CreateTable).CreateMetastore(options);
        IMetastore explained = metastore;
        if (settings.SqlitePath is not null)
        {
            explained = new SqliteMetastoreFile(metastore, settings.SqlitePath);
        }
        else if (ServerMetastores.Contains(options.Metastore))
        {
            var name = options.Metastore!.ToLowerInvariant();
            explained = new ServerMetastore(metastore, name, ServerMetastores.Describe(name, options.ConnectionString!));
        }
        else if (metastore is DynamoDbMetastore dynamoDb && settings.DynamoDb is { } dynamoDbOptions)
        {
            explained = new DynamoDbTable(dynamoDb, dynamoDbOptions);
        }

        return new AsherahHost(settings, metastore, explained);
    }

    /// <summary>
    /// The session factory over <see cref="Metastore"/> and the configured KMS. When that is the static KMS over the
    /// development key file, the file is created on first use and, once the factory is built over it, announced on
    /// <paramref name="stderr"/> as not for production.
    /// </summary>
    /// <exception cref="InvalidSettingException">The KMS is unknown, or a setting is invalid (a static key of the wrong length, an unreadable key file).</exception>
    public SessionFactory GetFactory(TextWriter stderr)
    {
        if (_factory is not null)
        {
            return _factory;
        }

        var options = Settings.Options;
        var providers = Providers(Settings.CreateTable);
        if (!providers.KeyManagementServiceNames.Contains(options.Kms!, StringComparer.OrdinalIgnoreCase))
        {
            throw new InvalidSettingException(
                $"{EnvironmentOptions.Describe(EnvironmentOptions.KmsKey)} is '{options.Kms}', which is not a key management service: use {string.Join(" or ", providers.KeyManagementServiceNames)}.");
        }

        var developmentKeyFile = Settings.DevelopmentKeyFile;
        if (developmentKeyFile is not null)
        {
            DevelopmentMasterKey.EnsureCreated(developmentKeyFile);
        }

        // Validates the options first (the static KMS reads and checks the key file here).
        _factory = SessionFactoryBuilder.FromOptions(options, providers).WithMetastore(Metastore).Build();
        if (developmentKeyFile is not null)
        {
            stderr.WriteLine(DevelopmentMasterKey.Warning);
        }

        return _factory;
    }

    /// <summary>
    /// With <see cref="CliSettings.CreateTable"/> and the <c>dynamodb</c> metastore, creates its table when missing and
    /// waits until it is active; otherwise nothing (the SQL metastores create theirs on first use).
    /// </summary>
    /// <exception cref="MetastoreException">DynamoDB refused or could not be reached; the message says where and why.</exception>
    public Task EnsureTableAsync(CancellationToken cancellationToken) =>
        Settings.CreateTable && Metastore is DynamoDbTable table ? table.EnsureTableAsync(cancellationToken) : Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        switch (_owned)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}

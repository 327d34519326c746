using System.Data.Common;
using Asherah.Metastore.Sql;
using Microsoft.Data.Sqlite;

namespace Asherah.Cli.Configuration;

/// <summary>The metastore of one invocation, and a session factory over it when a command encrypts or decrypts.</summary>
internal sealed class AsherahHost : IAsyncDisposable
{
    private readonly DbDataSource? _dataSource;
    private SessionFactory? _factory;
    private StaticKeyManagementService? _kms;

    private AsherahHost(CliSettings settings, IMetastore metastore, DbDataSource? dataSource)
    {
        Settings = settings;
        Metastore = metastore;
        _dataSource = dataSource;
    }

    public CliSettings Settings { get; }

    public IMetastore Metastore { get; }

    public IMetastoreCatalog Catalog => (IMetastoreCatalog)Metastore;

    /// <summary>Opens (and on first use creates) the configured metastore.</summary>
    public static async Task<AsherahHost> OpenAsync(CliSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Metastore == MetastoreKind.Memory)
        {
            return new AsherahHost(settings, new InMemoryMetastore(), null);
        }

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

        // No pooling: an invocation is short, and a pooled handle would keep the file open after the command ends.
        var connectionString = new SqliteConnectionStringBuilder { DataSource = settings.SqlitePath, Pooling = false }.ToString();
        var dataSource = SqliteFactory.Instance.CreateDataSource(connectionString);
        try
        {
            var store = new SqlMetastore(dataSource, SqlDialect.Sqlite);
            var file = new SqliteMetastoreFile(store, settings.SqlitePath);
            try
            {
                await store.EnsureSchemaAsync(cancellationToken);
            }
            catch (MetastoreException e)
            {
                throw new MetastoreException($"cannot open the SQLite metastore '{settings.SqlitePath}': {SqliteMetastoreFile.Reason(e)}", e, e.IsTransient);
            }

            return new AsherahHost(settings, file, dataSource);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The session factory: a static KMS over the explicit master key, else over the development key file (announced on
    /// <paramref name="stderr"/> as not for production). Expiry policy: <see cref="BasicExpiringCryptoPolicy"/> defaults.
    /// </summary>
    public SessionFactory GetFactory(TextWriter stderr)
    {
        if (_factory is not null)
        {
            return _factory;
        }

        var builder = SessionFactory.NewBuilder(Settings.Product, Settings.Service)
            .WithMetastore(Metastore)
            .WithCryptoPolicy(new BasicExpiringCryptoPolicy());
        if (Settings.StaticMasterKey is { } masterKey)
        {
            if (System.Text.Encoding.UTF8.GetByteCount(masterKey) != DevelopmentMasterKey.Length)
            {
                throw new UsageException($"The static master key must be exactly {DevelopmentMasterKey.Length} UTF-8 bytes.");
            }

            builder.WithStaticKeyManagementService(masterKey);
        }
        else
        {
            _kms = DevelopmentMasterKey.LoadOrCreate(Settings.MasterKeyFile);
            stderr.WriteLine(DevelopmentMasterKey.Warning);
            builder.WithKeyManagementService(_kms);
        }

        _factory = builder.Build();
        return _factory;
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        _kms?.Dispose();
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }
}

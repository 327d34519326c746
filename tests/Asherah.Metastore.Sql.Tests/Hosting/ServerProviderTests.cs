using System.Data.Common;
using Asherah.Tests.Shared;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Asherah.Metastore.Sql.Tests.Hosting;

/// <summary>
/// The hosting paths of a server SQL metastore (a provider chosen by name from configuration, <c>UseSqlMetastore</c>,
/// <see cref="SqlMetastoreOptions.EnsureSchema"/>), each test on a fresh empty database of a real server.
/// </summary>
public abstract class ServerProviderTests : IAsyncLifetime
{
    private const string MasterKey = "thisIsAStaticMasterKeyForTesting";

    /// <summary>The fresh database's connection string (set by <see cref="InitializeAsync"/>).</summary>
    protected string ConnectionString { get; private set; } = string.Empty;

    /// <summary>The provider name the tests register, e.g. <c>postgres</c>.</summary>
    protected abstract string Name { get; }

    protected abstract SqlDialect Dialect { get; }

    /// <summary>The driver's data source factory, as an application passes it.</summary>
    protected abstract DbDataSource CreateDataSource(string connectionString);

    /// <summary>Creates an empty database (or schema) and returns a connection string to it.</summary>
    protected abstract Task<string> CreateFreshDatabaseAsync();

    protected abstract Task DropFreshDatabaseAsync();

    /// <summary>Whether the database reports that the <c>encryption_key</c> table does not exist.</summary>
    protected abstract bool IsMissingTable(DbException exception);

    /// <summary>Whether <c>encryption_key</c> exists in the fresh database.</summary>
    protected abstract Task<bool> TableExistsAsync();

    public async Task InitializeAsync() => ConnectionString = await CreateFreshDatabaseAsync();

    public Task DisposeAsync() => DropFreshDatabaseAsync();

    [MetastoreFact]
    public async Task NamedProvider_FromConfiguration_RoundTripsAcrossContainers()
    {
        byte[] record;
        await using (var provider = Services(ConnectionString, ensureSchema: true))
        {
            using var session = provider.GetRequiredService<SessionFactory>().GetSessionBytes("tenant");
            record = await session.EncryptAsync([1, 2, 3]);
        }

        await using (var again = Services(ConnectionString, ensureSchema: false))
        {
            using var session = again.GetRequiredService<SessionFactory>().GetSessionBytes("tenant");
            Assert.Equal(new byte[] { 1, 2, 3 }, await session.DecryptAsync(record));
        }

        Assert.Equal(2, await CountRowsAsync());
    }

    [MetastoreFact]
    public async Task NamedProvider_FromOptions_OverAnExistingTable_SharesKeysBetweenFactories()
    {
        await EnsureTableAsync();
        var providers = new AsherahProviders().AddSqlMetastore(Name, Dialect, CreateDataSource);
        var options = Options(ConnectionString);

        await using var first = SessionFactoryBuilder.FromOptions(options, providers).Build();
        await using var second = SessionFactoryBuilder.FromOptions(options, providers).Build();
        using var writer = first.GetSessionBytes("tenant");
        using var reader = second.GetSessionBytes("tenant");

        Assert.Equal(new byte[] { 9 }, await reader.DecryptAsync(await writer.EncryptAsync([9])));
        Assert.Equal(new byte[] { 8 }, await writer.DecryptAsync(await reader.EncryptAsync([8])));
        Assert.Equal(2, await CountRowsAsync());
    }

    [MetastoreFact]
    public void NamedProvider_WithoutAConnectionString_FailsValidation_NamingTheSetting()
    {
        using var provider = Services(connectionString: null, ensureSchema: false);

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<SessionFactory>());

        Assert.Contains($"The {Name} metastore needs Asherah:ConnectionString", e.Message);
        Assert.Contains("ASHERAH_CONNECTION_STRING", e.Message);
    }

    [MetastoreFact]
    public void NamedProvider_WithAMalformedConnectionString_FailsValidation_WithoutEchoingIt()
    {
        const string Password = "Sup3rSecret-Password";
        using var provider = Services($"Host=127.0.0.1;Password={Password};NoSuchKeyword=1", ensureSchema: false);

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<SessionFactory>());

        Assert.Contains($"Asherah:ConnectionString (environment ASHERAH_CONNECTION_STRING) is not a valid connection string for the {Name} metastore", e.Message);
        Assert.DoesNotContain(Password, e.Message);
    }

    [MetastoreFact]
    public async Task UseSqlMetastore_WithEnsureSchema_CreatesTheTableBeforeFirstUse()
    {
        Assert.False(await TableExistsAsync());
        await using var dataSource = CreateDataSource(ConnectionString);
        var services = new ServiceCollection();
        services.AddAsherah(Configuration(null, metastore: "memory")).UseSqlMetastore(Dialect, dataSource, o => o.EnsureSchema = true);
        await using (var provider = services.BuildServiceProvider())
        {
            using var session = provider.GetRequiredService<SessionFactory>().GetSessionBytes("tenant");
            Assert.Equal(new byte[] { 4 }, await session.DecryptAsync(await session.EncryptAsync([4])));
        }

        Assert.True(await TableExistsAsync());
        Assert.Equal(2, await CountRowsAsync());
    }

    [MetastoreFact]
    public async Task UseSqlMetastore_WithoutEnsureSchema_AndNoTable_FailsWithAMetastoreException()
    {
        var services = new ServiceCollection();
        services.AddAsherah(Configuration(null, metastore: "memory")).UseSqlMetastore(Dialect, _ => CreateDataSource(ConnectionString));
        await using var provider = services.BuildServiceProvider();
        using var session = provider.GetRequiredService<SessionFactory>().GetSessionBytes("tenant");

        var e = await Assert.ThrowsAsync<MetastoreException>(async () => await session.EncryptAsync([1]));

        Assert.True(IsMissingTable(Assert.IsAssignableFrom<DbException>(e.InnerException)), e.InnerException!.Message);
        Assert.Contains("encryption_key", e.InnerException.Message);
        Assert.Contains("the table encryption_key does not exist", e.Message);
        Assert.False(e.IsTransient);
        Assert.False(await TableExistsAsync());
    }

    [MetastoreFact]
    public async Task UseSqlMetastore_OverTheCallersDataSource_LeavesItOpen()
    {
        await EnsureTableAsync();
        await using var dataSource = CreateDataSource(ConnectionString);
        var services = new ServiceCollection();
        services.AddAsherah(Configuration(null, metastore: "memory")).UseSqlMetastore(Dialect, dataSource);
        await using (var provider = services.BuildServiceProvider())
        {
            using var session = provider.GetRequiredService<SessionFactory>().GetSessionBytes("tenant");
            await session.EncryptAsync([1]);
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        Assert.Equal(System.Data.ConnectionState.Open, connection.State);
    }

    [MetastoreFact]
    public async Task UseSqlMetastore_OverAFactory_TheContainerDisposesTheDataSource()
    {
        await EnsureTableAsync();
        DbDataSource? created = null;
        var services = new ServiceCollection();
        services.AddAsherah(Configuration(null, metastore: "memory"))
            .UseSqlMetastore(Dialect, _ => created = CreateDataSource(ConnectionString));
        await using (var provider = services.BuildServiceProvider())
        {
            using var session = provider.GetRequiredService<SessionFactory>().GetSessionBytes("tenant");
            await session.EncryptAsync([1]);
        }

        Assert.NotNull(created);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await created.OpenConnectionAsync());
    }

    [MetastoreFact]
    public async Task ConcurrentEnsureSchema_OnAFreshDatabase_AllSucceed()
    {
        // Several rounds, each on its own fresh database, of eight processes' worth of data sources racing to create the
        // table: PostgreSQL's CREATE TABLE IF NOT EXISTS lets the losers fail unless the race is handled.
        for (int round = 0; round < 5; round++)
        {
            if (round > 0)
            {
                await DropFreshDatabaseAsync();
                ConnectionString = await CreateFreshDatabaseAsync();
            }

            var dataSources = Enumerable.Range(0, 8).Select(_ => CreateDataSource(ConnectionString)).ToList();
            try
            {
                using var start = new ManualResetEventSlim();
                var tasks = dataSources
                    .Select(ds => Task.Run(async () =>
                    {
                        start.Wait();
                        await new SqlMetastore(ds, Dialect).EnsureSchemaAsync();
                    }))
                    .ToArray();
                start.Set();
                await Task.WhenAll(tasks);
            }
            finally
            {
                foreach (var ds in dataSources)
                {
                    await ds.DisposeAsync();
                }
            }

            Assert.True(await TableExistsAsync());
        }
    }

    /// <summary>Creates the table the way a DBA would, before the application runs.</summary>
    protected async Task EnsureTableAsync()
    {
        await using var dataSource = CreateDataSource(ConnectionString);
        await new SqlMetastore(dataSource, Dialect).EnsureSchemaAsync();
    }

    protected async Task<long> CountRowsAsync()
    {
        await using var dataSource = CreateDataSource(ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT COUNT(*) FROM encryption_key");
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private AsherahOptions Options(string connectionString) => new()
    {
        ProductId = "product",
        ServiceId = "service",
        Metastore = Name,
        ConnectionString = connectionString,
        Kms = "static",
        StaticMasterKey = MasterKey,
    };

    private IConfiguration Configuration(string? connectionString, string? metastore = null) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Asherah:ProductId"] = "product",
            ["Asherah:ServiceId"] = "service",
            ["Asherah:Metastore"] = metastore ?? Name,
            ["Asherah:ConnectionString"] = connectionString,
            ["Asherah:Kms"] = "static",
            ["Asherah:StaticMasterKey"] = MasterKey,
        }).Build();

    private ServiceProvider Services(string? connectionString, bool ensureSchema)
    {
        var services = new ServiceCollection();
        services.AddAsherah(Configuration(connectionString)).AddSqlMetastore(Name, Dialect, CreateDataSource, o => o.EnsureSchema = ensureSchema);
        return services.BuildServiceProvider();
    }
}

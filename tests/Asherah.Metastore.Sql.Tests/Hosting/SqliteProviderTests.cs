using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Asherah.Metastore.Sql.Tests.Hosting;

/// <summary>The <c>sqlite</c> provider over a real temporary SQLite file, with no schema call by the test.</summary>
public sealed class SqliteProviderTests : IDisposable
{
    private const string MasterKey = "thisIsAStaticMasterKeyForTesting";

    private readonly string _directory = Directory.CreateTempSubdirectory("asherah-sqlite-").FullName;

    private string DbPath => Path.Combine(_directory, "keys.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void AddSqliteMetastore_FromConfiguration_BuildsAWorkingFactory_WithoutASchemaCall()
    {
        byte[] record;
        using (var provider = Services(DbPath))
        {
            var factory = provider.GetRequiredService<SessionFactory>();
            using var session = factory.GetSessionBytes("tenant");
            record = session.Encrypt([1, 2, 3]);
        }

        Assert.Equal(2, CountRows(DbPath));
        using (var again = Services($"Data Source={DbPath}"))
        {
            using var session = again.GetRequiredService<SessionFactory>().GetSessionBytes("tenant");
            Assert.Equal(new byte[] { 1, 2, 3 }, session.Decrypt(record));
        }
    }

    [Fact]
    public async Task TheNamedSqliteMetastore_IsInjectable_AndListsWhatItHolds()
    {
        using var provider = Services(DbPath);
        var metastore = provider.GetRequiredService<IMetastore>();

        var catalog = Assert.IsAssignableFrom<IMetastoreCatalog>(metastore);
        var records = new List<StoredKeyRecord>();
        await foreach (var stored in catalog.ListAsync())
        {
            records.Add(stored);
        }

        Assert.Empty(records);
        Assert.Equal(0, CountRows(DbPath));
    }

    [Fact]
    public void FromOptions_WithSqlite_PersistsKeysAcrossFactories()
    {
        var options = new AsherahOptions
        {
            ProductId = "product",
            ServiceId = "service",
            Metastore = "sqlite",
            ConnectionString = DbPath,
            Kms = "static",
            StaticMasterKey = MasterKey,
        };
        var providers = new AsherahProviders().AddSqliteMetastore();

        byte[] record;
        using (var factory = SessionFactoryBuilder.FromOptions(options, providers).Build())
        using (var session = factory.GetSessionBytes("tenant"))
        {
            record = session.Encrypt([9]);
        }

        using var second = SessionFactoryBuilder.FromOptions(options, providers).Build();
        using var again = second.GetSessionBytes("tenant");
        Assert.Equal(new byte[] { 9 }, again.Decrypt(record));
        Assert.Equal(2, CountRows(DbPath));
    }

    [Fact]
    public void SqliteWithoutAConnectionString_FailsValidation()
    {
        using var provider = Services(null);

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<SessionFactory>());

        Assert.Contains("Asherah:ConnectionString", e.Message);
        Assert.Contains("ASHERAH_SQLITE_PATH", e.Message);
    }

    [Fact]
    public void SqliteInADirectoryThatDoesNotExist_FailsValidation_NamingTheDirectory()
    {
        var missing = Path.Combine(_directory, "missing");
        using var provider = Services(Path.Combine(missing, "keys.db"));

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<SessionFactory>());

        Assert.Contains(missing, e.Message);
    }

    [Fact]
    public void SqliteWithoutTheAdapterRegistered_FailsValidation_SayingWhatToCall()
    {
        var services = new ServiceCollection();
        services.AddAsherah(Configuration(DbPath));
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<SessionFactory>());

        Assert.Contains("'sqlite'", e.Message);
        Assert.Contains("AddSqliteMetastore", e.Message);
    }

    [Fact]
    public void UseSqliteMetastore_WinsOverTheNamedMetastore()
    {
        var services = new ServiceCollection();
        services.AddAsherah(Configuration(null, metastore: "memory")).UseSqliteMetastore(DbPath);
        using (var provider = services.BuildServiceProvider())
        {
            using var session = provider.GetRequiredService<SessionFactory>().GetSessionBytes("tenant");
            session.Encrypt([1]);
        }

        Assert.Equal(2, CountRows(DbPath));
    }

    [Fact]
    public void UseSqliteMetastore_InADirectoryThatDoesNotExist_ThrowsAtOnce()
    {
        var builder = new ServiceCollection().AddAsherah(o => { o.ProductId = "p"; o.ServiceId = "s"; });

        Assert.Throws<ArgumentException>(() => builder.UseSqliteMetastore(Path.Combine(_directory, "missing", "keys.db")));
    }

    private static IConfiguration Configuration(string? connectionString, string metastore = "sqlite") =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Asherah:ProductId"] = "product",
            ["Asherah:ServiceId"] = "service",
            ["Asherah:Metastore"] = metastore,
            ["Asherah:ConnectionString"] = connectionString,
            ["Asherah:Kms"] = "static",
            ["Asherah:StaticMasterKey"] = MasterKey,
        }).Build();

    private static ServiceProvider Services(string? connectionString)
    {
        var services = new ServiceCollection();
        services.AddAsherah(Configuration(connectionString)).AddSqliteMetastore();
        return services.BuildServiceProvider();
    }

    private static long CountRows(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM encryption_key";
        return (long)command.ExecuteScalar()!;
    }
}

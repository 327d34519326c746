using Amazon.DynamoDBv2;
using Asherah.Tests.Shared;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Asherah.Metastore.DynamoDb.Tests.Hosting;

/// <summary>
/// <c>UseDynamoDbMetastore</c> and the <c>dynamodb</c> provider against dynalite (<c>ASHERAH_TEST_DYNAMODB</c>): a
/// session round trip through the container, and the canonical server's settings read from configuration.
/// </summary>
[RequiresEnvironment(Dynalite.Variable, Dynalite.HowToSet)]
public sealed class DynamoDbHostingTests : IAsyncLifetime
{
    private const string MasterKey = "thisIsAStaticMasterKeyForTesting";
    private readonly string _table = Dynalite.NewTableName();
    private AmazonDynamoDBClient? _client;

    private AmazonDynamoDBClient Client => _client ??= Dynalite.Client();

    public async Task InitializeAsync()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Dynalite.Variable)))
        {
            await new DynamoDbMetastore(Client, new DynamoDbMetastoreOptions { TableName = _table }).EnsureTableAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DeleteTableAsync(_table);
            _client.Dispose();
        }
    }

    private static void AddAsherah(IServiceCollection services, Action<IAsherahBuilder> metastore)
    {
        var builder = services.AddAsherah(o =>
        {
            o.ProductId = "product";
            o.ServiceId = "service";
        });
        builder.UseStaticKeyManagementService(MasterKey);
        metastore(builder);
    }

    private async Task<List<string>> KeyIdsAsync()
    {
        var ids = new List<string>();
        await foreach (var row in new DynamoDbMetastore(Client, new DynamoDbMetastoreOptions { TableName = _table }).ListAsync())
        {
            ids.Add(row.KeyId);
        }

        return ids;
    }

    [MetastoreFact]
    public async Task UseDynamoDbMetastore_WithTheContainersClient_RoundTripsASession()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IAmazonDynamoDB>(Client);
        AddAsherah(services, b => b.UseDynamoDbMetastore(o => o.TableName = _table));

        byte[] drr;
        await using (var provider = services.BuildServiceProvider())
        {
            var metastore = Assert.IsType<DynamoDbMetastore>(provider.GetRequiredService<IMetastore>());
            Assert.Equal(_table, metastore.TableName);
            using var session = provider.GetRequiredService<SessionFactory>().GetSessionBytes("tenant");
            drr = await session.EncryptAsync([1, 2, 3]);
        }

        // The container did not dispose a client it was given: it still works.
        Assert.Equal(["_IK_tenant_service_product", "_SK_service_product"], await KeyIdsAsync());

        var again = new ServiceCollection();
        AddAsherah(again, b => b.UseDynamoDbMetastore(Client, o => o.TableName = _table));
        await using var second = again.BuildServiceProvider();
        using var decrypting = second.GetRequiredService<SessionFactory>().GetSessionBytes("tenant");
        Assert.Equal([1, 2, 3], await decrypting.DecryptAsync(drr));
    }

    [MetastoreFact]
    public async Task UseDynamoDbMetastore_WithAGivenClientAndSuffix_WritesSuffixedKeys()
    {
        var services = new ServiceCollection();
        AddAsherah(services, b => b.UseDynamoDbMetastore(Client, o =>
        {
            o.TableName = _table;
            o.RegionSuffix = "eu-west-1";
        }));
        await using var provider = services.BuildServiceProvider();
        using var session = provider.GetRequiredService<SessionFactory>().GetSessionBytes("tenant");
        Assert.Equal([5], await session.DecryptAsync(await session.EncryptAsync([5])));

        Assert.Equal(["_IK_tenant_service_product_eu-west-1", "_SK_service_product_eu-west-1"], await KeyIdsAsync());
    }

    /// <summary>The configuration the canonical server's variables produce (ASHERAH_DYNAMODB_* and ASHERAH_ENABLE_REGION_SUFFIX).</summary>
    private IConfiguration CanonicalServerConfiguration() => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Asherah:ProductId"] = "product",
            ["Asherah:ServiceId"] = "service",
            ["Asherah:Metastore"] = "dynamodb",
            ["Asherah:Kms"] = "static",
            ["Asherah:StaticMasterKey"] = MasterKey,
            ["Asherah:DynamoDbEndpoint"] = Dynalite.Endpoint,
            ["Asherah:DynamoDbRegion"] = "us-west-2",
            ["Asherah:DynamoDbTableName"] = _table,
            ["Asherah:EnableRegionSuffix"] = "true",
        })
        .Build();

    [MetastoreFact]
    public async Task TheDynamoDbProvider_ReadsTheCanonicalServerSettings_AndCreatesItsClientFromTheSdkChain()
    {
        // The client the provider creates takes credentials from the SDK's chain; dynalite accepts any.
        using var credentials = new EnvironmentCredentials();

        var services = new ServiceCollection();
        services.AddAsherah(CanonicalServerConfiguration()).AddDynamoDbMetastore();
        await using (var provider = services.BuildServiceProvider())
        {
            var metastore = Assert.IsType<DynamoDbMetastore>(provider.GetRequiredService<IMetastore>());
            Assert.Equal("us-west-2", metastore.KeySuffix);
            using var session = provider.GetRequiredService<SessionFactory>().GetSessionBytes("tenant");
            Assert.Equal([6], await session.DecryptAsync(await session.EncryptAsync([6])));
        }

        Assert.Equal(["_IK_tenant_service_product_us-west-2", "_SK_service_product_us-west-2"], await KeyIdsAsync());

        // The plain path (no container) reads the same settings.
        var options = AsherahOptions.FromConfiguration(CanonicalServerConfiguration());
        using var factory = SessionFactoryBuilder.FromOptions(options, new AsherahProviders().AddDynamoDbMetastore()).Build();
        using var plain = factory.GetSessionBytes("tenant");
        Assert.Equal([7], await plain.DecryptAsync(await plain.EncryptAsync([7])));
    }

    /// <summary>Sets AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for the SDK's chain when they are unset, and restores them.</summary>
    private sealed class EnvironmentCredentials : IDisposable
    {
        private readonly string? _id = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
        private readonly string? _secret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");

        public EnvironmentCredentials()
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", _id ?? "dynalite");
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", _secret ?? "dynalite");
        }

        public void Dispose()
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", _id);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", _secret);
        }
    }
}

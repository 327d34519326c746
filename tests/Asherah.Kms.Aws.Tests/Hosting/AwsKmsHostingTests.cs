using System.Text;
using Asherah.Kms.Aws.TestServer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Asherah.Kms.Aws.Tests.TestKms;

namespace Asherah.Kms.Aws.Tests.Hosting;

/// <summary>The <c>aws</c> provider under dependency injection and on the plain path.</summary>
public sealed class AwsKmsHostingTests
{
    private static async Task RoundTripAsync(SessionFactory factory)
    {
        using var session = factory.GetSessionBytes("tenant");
        var payload = Encoding.UTF8.GetBytes("hello");
        Assert.Equal(payload, await session.DecryptAsync(await session.EncryptAsync(payload)));
    }

    [Fact]
    public async Task UseAwsKms_InCode_RoundTripsThroughTheContainer()
    {
        await using var server = await StartAsync();
        var services = new ServiceCollection();
        services.AddAsherah(o =>
            {
                o.ProductId = "product";
                o.ServiceId = "service";
            })
            .UseInMemoryMetastore()
            .UseAwsKms(o =>
            {
                o.ClientFactory = region => Client(server, region);
                o.AddRegion(West, server.KeyArn(West)).AddRegion(East, server.KeyArn(East));
            });
        await using var provider = services.BuildServiceProvider();

        await RoundTripAsync(provider.GetRequiredService<SessionFactory>());

        Assert.Equal(1, server.Requests(West, "GenerateDataKey"));
        Assert.Equal(1, server.Requests(East, "Encrypt"));
    }

    [Fact]
    public async Task AsherahEnvironmentVariables_ChooseAws_WithTheCanonicalRegionMapAndPreferredRegion()
    {
        await using var server = await StartAsync();
        var environment = new Dictionary<string, string?>
        {
            ["ASHERAH_PRODUCT_NAME"] = "product",
            ["ASHERAH_SERVICE_NAME"] = "service",
            ["ASHERAH_METASTORE_MODE"] = "memory",
            ["ASHERAH_KMS_MODE"] = "aws",
            ["ASHERAH_REGION_MAP"] = string.Join(",", Regions.Select(r => $"{r}={server.KeyArn(r)}")),
            ["ASHERAH_PREFERRED_REGION"] = Europe,
        };
        var configuration = new ConfigurationBuilder().AddAsherahEnvironmentVariables(v => environment.GetValueOrDefault(v)).Build();
        var services = new ServiceCollection();

        // Endpoints and credentials are the application's (here the local server); the regions come from the variables.
        services.AddAsherah(configuration).AddAwsKms().UseAwsKms(o => o.ClientFactory = region => Client(server, region));
        await using var provider = services.BuildServiceProvider();

        await RoundTripAsync(provider.GetRequiredService<SessionFactory>());

        Assert.Equal(1, server.Requests(Europe, "GenerateDataKey"));
        Assert.Equal(0, server.Requests(West, "GenerateDataKey"));
        Assert.Equal(1, server.Requests(West, "Encrypt"));
        Assert.Equal(1, server.Requests(East, "Encrypt"));
    }

    [Fact]
    public async Task PlainPath_FromOptions_UsesTheAwsProvider()
    {
        await using var server = await StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Asherah:ProductId"] = "product",
            ["Asherah:ServiceId"] = "service",
            ["Asherah:Metastore"] = "memory",
            ["Asherah:Kms"] = "aws",
            ["Asherah:AwsKms:RegionMap"] = $"{East}={server.KeyArn(East)}, {West}={server.KeyArn(West)}",
            ["Asherah:AwsKms:RegionTimeout"] = "15s",
        }).Build();
        var options = AsherahOptions.FromConfiguration(configuration);
        var providers = new AsherahProviders().AddAwsKms(o => o.ClientFactory = region => Client(server, region));

        await using var factory = SessionFactoryBuilder.FromOptions(options, providers).Build();
        await RoundTripAsync(factory);

        Assert.Equal(1, server.Requests(East, "GenerateDataKey"));
        Assert.Equal(1, server.Requests(West, "Encrypt"));
    }

    [Fact]
    public void AwsChosenWithoutRegions_FailsInFromOptions_BeforeAnythingIsBuilt_NamingTheSetting()
    {
        var options = new AsherahOptions { ProductId = "p", ServiceId = "s", Metastore = "memory", Kms = "aws" };

        var e = Assert.Throws<OptionsValidationException>(() => SessionFactoryBuilder.FromOptions(options, new AsherahProviders().AddAwsKms()));

        Assert.Contains("ASHERAH_REGION_MAP", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, "No AWS KMS region is configured")]
    [InlineData("us-west-2", null, "Asherah:RegionMap (environment ASHERAH_REGION_MAP): Entry 1")]
    [InlineData("us-west-2=arn:w", "eu-west-1", "'eu-west-1' (Asherah:PreferredRegion, environment ASHERAH_PREFERRED_REGION) is not one of the configured regions")]
    public void BadAwsSettings_FailValidateOnStart_WithoutTheFactoryBeingResolved(string? regionMap, string? preferred, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Asherah:ProductId"] = "product",
            ["Asherah:ServiceId"] = "service",
            ["Asherah:Metastore"] = "memory",
            ["Asherah:Kms"] = "aws",
            ["Asherah:RegionMap"] = regionMap,
            ["Asherah:PreferredRegion"] = preferred,
        }).Build();
        var services = new ServiceCollection();
        services.AddAsherah(configuration).AddAwsKms();
        using var provider = services.BuildServiceProvider();

        // What a host runs at start for ValidateOnStart.
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        var failure = Assert.Single(e.Failures);
        Assert.StartsWith("The aws key management service: ", failure, StringComparison.Ordinal);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void UseAwsKms_RegionsGivenInCode_PassValidateOnStart()
    {
        var services = new ServiceCollection();
        services.AddAsherah(o =>
            {
                o.ProductId = "product";
                o.ServiceId = "service";
            })
            .UseInMemoryMetastore()
            .UseAwsKms(o => o.AddRegion(West, "arn:aws:kms:us-west-2:111122223333:key/k"));
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    [Theory]
    [InlineData("Asherah:AwsKms:RegionTimeout", "soon", "RegionTimeout")]
    [InlineData("Asherah:AwsKms:MinimumRegions", "0", "MinimumRegions")]
    [InlineData("Asherah:RegionMap", "us-west-2", "ASHERAH_REGION_MAP")]
    public void ReadOptions_WithABadValue_NamesTheKey(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        var e = Assert.Throws<OptionsValidationException>(() => AwsKms.ReadOptions(configuration));

        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadOptions_ReadsEveryKey_AndTheAwsKmsSectionWins()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Asherah:RegionMap"] = "us-west-2=arn:w",
            ["Asherah:PreferredRegion"] = "us-west-2",
            ["Asherah:AwsKms:RegionMap"] = "us-west-2=arn:w2,us-east-1=arn:e",
            ["Asherah:AwsKms:PreferredRegion"] = "us-east-1",
            ["Asherah:AwsKms:RegionTimeout"] = "00:00:03",
            ["Asherah:AwsKms:MinimumRegions"] = "1",
        }).Build();

        var options = AwsKms.ReadOptions(configuration);

        Assert.Equal([new AwsKmsRegion("us-west-2", "arn:w2"), new AwsKmsRegion("us-east-1", "arn:e")], options.Regions);
        Assert.Equal("us-east-1", options.PreferredRegion);
        Assert.Equal(TimeSpan.FromSeconds(3), options.RegionTimeout);
        Assert.Equal(1, options.MinimumRegions);
        Assert.Equal(["us-east-1", "us-west-2"], options.OrderedRegions().Select(r => r.Region));
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Asherah.Metastore.DynamoDb.Tests.Hosting;

/// <summary>
/// The <c>dynamodb</c> provider's settings are checked at start (<c>ValidateOnStart</c>, <c>FromOptions</c>), before a
/// client is made or DynamoDB is contacted; no server is needed.
/// </summary>
public sealed class DynamoDbValidationTests
{
    private static IConfiguration Configuration(string key, string value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Asherah:ProductId"] = "product",
            ["Asherah:ServiceId"] = "service",
            ["Asherah:Metastore"] = "dynamodb",
            ["Asherah:Kms"] = "static",
            ["Asherah:StaticMasterKey"] = "thisIsAStaticMasterKeyForTesting",
            [key] = value,
        }).Build();

    [Theory]
    [InlineData("Asherah:DynamoDbTableName", "a b", "Asherah:DynamoDbTableName (environment ASHERAH_DYNAMODB_TABLE_NAME)")]
    [InlineData("Asherah:DynamoDbEndpoint", "not a url", "Asherah:DynamoDbEndpoint (environment ASHERAH_DYNAMODB_ENDPOINT)")]
    [InlineData("Asherah:EnableRegionSuffix", "maybe", "Asherah:EnableRegionSuffix (environment ASHERAH_ENABLE_REGION_SUFFIX)")]
    public void ABadSetting_FailsValidateOnStart_NamingTheKey(string key, string value, string named)
    {
        var services = new ServiceCollection();
        services.AddAsherah(Configuration(key, value)).AddDynamoDbMetastore();
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        var failure = Assert.Single(e.Failures);
        Assert.StartsWith("The dynamodb metastore: ", failure, StringComparison.Ordinal);
        Assert.Contains(named, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadSetting_FailsFromOptions_OnThePlainPath()
    {
        var options = AsherahOptions.FromConfiguration(Configuration("Asherah:DynamoDbTableName", "x"));

        var e = Assert.Throws<OptionsValidationException>(() => SessionFactoryBuilder.FromOptions(options, new AsherahProviders().AddDynamoDbMetastore()));

        Assert.Contains("ASHERAH_DYNAMODB_TABLE_NAME", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GoodSettings_PassValidateOnStart()
    {
        var services = new ServiceCollection();
        services.AddAsherah(Configuration("Asherah:DynamoDbEndpoint", "http://127.0.0.1:8000")).AddDynamoDbMetastore();
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
    }
}

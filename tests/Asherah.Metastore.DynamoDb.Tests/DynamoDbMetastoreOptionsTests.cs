using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.Extensions.Configuration;

namespace Asherah.Metastore.DynamoDb.Tests;

/// <summary>Options, configuration keys and the suffix rule, without a server.</summary>
public sealed class DynamoDbMetastoreOptionsTests
{
    private static IConfigurationSection Section(params (string Key, string Value)[] values) => new ConfigurationBuilder()
        .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("Asherah:" + v.Key, v.Value)))
        .Build()
        .GetSection("Asherah");

    [Fact]
    public void Defaults_AreCanonicals()
    {
        var options = DynamoDbMetastoreOptions.FromConfiguration(null);
        Assert.Equal("EncryptionKey", options.TableName);
        Assert.Null(options.RegionSuffix);
        Assert.False(options.EnableRegionSuffix);
        Assert.Null(options.Region);
        Assert.Null(options.Endpoint);
    }

    [Fact]
    public void FromConfiguration_ReadsTheKeysTheCanonicalServerVariablesSet()
    {
        var configuration = new ConfigurationBuilder()
            .AddAsherahEnvironmentVariables()
            .Build();
        Assert.Equal("Asherah:DynamoDbTableName", AsherahEnvironmentVariables.ConfigurationKeys["ASHERAH_DYNAMODB_TABLE_NAME"]);
        Assert.Equal("Asherah:DynamoDbRegion", AsherahEnvironmentVariables.ConfigurationKeys["ASHERAH_DYNAMODB_REGION"]);
        Assert.Equal("Asherah:DynamoDbEndpoint", AsherahEnvironmentVariables.ConfigurationKeys["ASHERAH_DYNAMODB_ENDPOINT"]);
        Assert.Equal("Asherah:EnableRegionSuffix", AsherahEnvironmentVariables.ConfigurationKeys["ASHERAH_ENABLE_REGION_SUFFIX"]);
        Assert.NotNull(configuration);

        var options = DynamoDbMetastoreOptions.FromConfiguration(Section(
            ("DynamoDbTableName", "Keys.prod-1"),
            ("DynamoDbRegion", "eu-west-1"),
            ("DynamoDbEndpoint", "http://localhost:8000"),
            ("EnableRegionSuffix", "1")));
        Assert.Equal("Keys.prod-1", options.TableName);
        Assert.Equal("eu-west-1", options.Region);
        Assert.Equal("http://localhost:8000", options.Endpoint);
        Assert.True(options.EnableRegionSuffix);
    }

    [Theory]
    [InlineData("EnableRegionSuffix", "yes", "Asherah:EnableRegionSuffix (environment ASHERAH_ENABLE_REGION_SUFFIX) is 'yes'")]
    [InlineData("DynamoDbEndpoint", "localhost:8000", "Asherah:DynamoDbEndpoint (environment ASHERAH_DYNAMODB_ENDPOINT) is 'localhost:8000'")]
    [InlineData("DynamoDbTableName", "no spaces", "Asherah:DynamoDbTableName (environment ASHERAH_DYNAMODB_TABLE_NAME)")]
    [InlineData("DynamoDbTableName", "ab", "3 to 255 characters")]
    public void FromConfiguration_NamesTheKeyOfABadValue(string key, string value, string expected)
    {
        var e = Assert.Throws<InvalidOperationException>(() => DynamoDbMetastoreOptions.FromConfiguration(Section((key, value))));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RegionSuffix_MustBeOneToken_AndEmptyMeansNone()
    {
        var options = new DynamoDbMetastoreOptions();
        Assert.Throws<ArgumentException>(() => options.RegionSuffix = "us_west_2");
        options.RegionSuffix = "";
        Assert.Null(options.RegionSuffix);
        Assert.Throws<ArgumentException>(() => options.TableName = new string('a', 256));
    }

    [Fact]
    public void EnableRegionSuffix_UsesTheClientsRegion_OrRefusesAClientWithoutOne()
    {
        var credentials = new BasicAWSCredentials("a", "b");
        using var regional = new AmazonDynamoDBClient(credentials, Amazon.RegionEndpoint.APSoutheast2);
        Assert.Equal("ap-southeast-2", new DynamoDbMetastore(regional, new DynamoDbMetastoreOptions { EnableRegionSuffix = true }).KeySuffix);

        using var signedFor = new AmazonDynamoDBClient(credentials, new AmazonDynamoDBConfig { ServiceURL = "http://127.0.0.1:1", AuthenticationRegion = "eu-central-1" });
        Assert.Equal("eu-central-1", new DynamoDbMetastore(signedFor, new DynamoDbMetastoreOptions { EnableRegionSuffix = true }).KeySuffix);

        using var endpointOnly = new AmazonDynamoDBClient(credentials, new AmazonDynamoDBConfig { ServiceURL = "http://127.0.0.1:1" });
        var e = Assert.Throws<ArgumentException>(() => new DynamoDbMetastore(endpointOnly, new DynamoDbMetastoreOptions { EnableRegionSuffix = true }));
        Assert.Contains("RegionSuffix", e.Message, StringComparison.Ordinal);

        // The options are copied: changing them later does not change the metastore.
        var options = new DynamoDbMetastoreOptions { RegionSuffix = "us-east-2" };
        var store = new DynamoDbMetastore(regional, options);
        options.RegionSuffix = "sa-east-1";
        Assert.Equal("us-east-2", store.KeySuffix);
    }

    [Fact]
    public void TheProvider_CreatesAClientForTheConfiguredRegionAndEndpoint()
    {
        using var regional = DynamoDbMetastores.CreateClient(new DynamoDbMetastoreOptions { Region = "us-west-1" });
        Assert.Equal("us-west-1", regional.Config.RegionEndpoint?.SystemName);

        using var local = DynamoDbMetastores.CreateClient(new DynamoDbMetastoreOptions { Region = "us-west-1", Endpoint = "http://127.0.0.1:8000" });
        Assert.StartsWith("http://127.0.0.1:8000", local.Config.ServiceURL, StringComparison.Ordinal);
        Assert.Equal("us-west-1", local.Config.AuthenticationRegion);

        using var store = DynamoDbMetastores.Create(new DynamoDbMetastoreOptions { Region = "us-west-1", Endpoint = "http://127.0.0.1:8000", EnableRegionSuffix = true });
        Assert.Equal("us-west-1", store.KeySuffix);
    }
}

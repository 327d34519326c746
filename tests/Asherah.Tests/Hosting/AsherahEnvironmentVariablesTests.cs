using Microsoft.Extensions.Configuration;
using static Asherah.Tests.Hosting.HostingTestSupport;

namespace Asherah.Tests.Hosting;

public class AsherahEnvironmentVariablesTests
{
    [Fact]
    public void CanonicalServerNames_SetTheOptions()
    {
        var options = AsherahOptions.FromConfiguration(Variables(
            ("ASHERAH_PRODUCT_NAME", "servicelayer"),
            ("ASHERAH_SERVICE_NAME", "example"),
            ("ASHERAH_EXPIRE_AFTER", "60m"),
            ("ASHERAH_CHECK_INTERVAL", "10m"),
            ("ASHERAH_METASTORE_MODE", "memory"),
            ("ASHERAH_CONNECTION_STRING", "Data Source=keys.db"),
            ("ASHERAH_KMS_MODE", "static"),
            ("ASHERAH_ENABLE_SESSION_CACHING", "true"),
            ("ASHERAH_SESSION_CACHE_MAX_SIZE", "10"),
            ("ASHERAH_SESSION_CACHE_DURATION", "5m")));

        Assert.Equal("servicelayer", options.ProductId);
        Assert.Equal("example", options.ServiceId);
        Assert.Equal(TimeSpan.FromMinutes(60), options.ExpireAfter);
        Assert.Equal(TimeSpan.FromMinutes(10), options.CheckInterval);
        Assert.Equal("memory", options.Metastore);
        Assert.Equal("Data Source=keys.db", options.ConnectionString);
        Assert.Equal("static", options.Kms);
        Assert.True(options.EnableSessionCaching);
        Assert.Equal(10, options.SessionCacheMaxSize);
        Assert.Equal(TimeSpan.FromMinutes(5), options.SessionCacheDuration);
    }

    [Fact]
    public void CliShortNames_SetTheSameOptions()
    {
        var options = AsherahOptions.FromConfiguration(Variables(
            ("ASHERAH_PRODUCT", "asherah-cli"),
            ("ASHERAH_SERVICE", "asherah-cli-service"),
            ("ASHERAH_METASTORE", "sqlite"),
            ("ASHERAH_SQLITE_PATH", "/data/metastore.db"),
            ("ASHERAH_STATIC_MASTER_KEY", MasterKey),
            ("ASHERAH_MASTER_KEY_FILE", "/data/master.key")));

        Assert.Equal("asherah-cli", options.ProductId);
        Assert.Equal("asherah-cli-service", options.ServiceId);
        Assert.Equal("sqlite", options.Metastore);
        Assert.Equal("/data/metastore.db", options.ConnectionString);
        Assert.Equal(MasterKey, options.StaticMasterKey);
        Assert.Equal("/data/master.key", options.StaticMasterKeyFile);
    }

    [Fact]
    public void SecureMemoryAndEngineVariables_SetTheOptions()
    {
        var options = AsherahOptions.FromConfiguration(Variables(
            ("ASHERAH_AES_GCM_ENGINE", "Intrinsics"),
            ("ASHERAH_SECURE_MEMORY_ALLOW_UNLOCKED_FALLBACK", "true"),
            ("ASHERAH_SECURE_MEMORY_STRICT_PROTECTION", "true"),
            ("ASHERAH_SECURE_MEMORY_DISABLE_CORE_DUMPS", "true"),
            ("ASHERAH_SECURE_MEMORY_CHUNK_SIZE", "32768")));

        Assert.Equal(AesGcmEngineKind.Intrinsics, options.AesGcmEngine);
        Assert.True(options.SecureMemory.AllowUnlockedFallback);
        Assert.True(options.SecureMemory.StrictProtection);
        Assert.True(options.SecureMemory.DisableCoreDumps);
        Assert.Equal(32768, options.SecureMemory.ChunkSize);
    }

    [Fact]
    public void AdapterSettingsOfTheCanonicalServer_ArePassedThroughToTheSection()
    {
        var configuration = Variables(("ASHERAH_REGION_MAP", "us-west-2=arn:aws:kms:us-west-2:1:key/k"), ("ASHERAH_PREFERRED_REGION", "us-west-2"));

        Assert.Equal("us-west-2=arn:aws:kms:us-west-2:1:key/k", configuration["Asherah:RegionMap"]);
        Assert.Equal("us-west-2", configuration["Asherah:PreferredRegion"]);
    }

    [Fact]
    public void TwoNamesOfOneSetting_WithDifferentValues_FailWithoutShowingTheValues()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Variables(("ASHERAH_PRODUCT_NAME", "first-value"), ("ASHERAH_PRODUCT", "second-value")));

        Assert.Contains("ASHERAH_PRODUCT_NAME", e.Message);
        Assert.Contains("ASHERAH_PRODUCT", e.Message);
        Assert.DoesNotContain("first-value", e.Message);
        Assert.DoesNotContain("second-value", e.Message);
    }

    [Fact]
    public void TwoNamesOfOneSetting_WithTheSameValue_AreAccepted()
    {
        var options = AsherahOptions.FromConfiguration(Variables(("ASHERAH_SERVICE_NAME", "s"), ("ASHERAH_SERVICE", "s")));

        Assert.Equal("s", options.ServiceId);
    }

    [Fact]
    public void EnvironmentAddedAfterAFile_WinsOverIt_AndAFileAddedAfter_WinsOverTheEnvironment()
    {
        var file = new Dictionary<string, string?> { ["Asherah:ProductId"] = "from-file", ["Asherah:ServiceId"] = "file-service" };
        var variables = new Dictionary<string, string> { ["ASHERAH_PRODUCT_NAME"] = "from-environment" };

        var environmentLast = new ConfigurationBuilder().AddInMemoryCollection(file).AddAsherahEnvironmentVariables(n => variables.GetValueOrDefault(n)).Build();
        var fileLast = new ConfigurationBuilder().AddAsherahEnvironmentVariables(n => variables.GetValueOrDefault(n)).AddInMemoryCollection(file).Build();

        var fromEnvironmentLast = AsherahOptions.FromConfiguration(environmentLast);
        Assert.Equal("from-environment", fromEnvironmentLast.ProductId);
        Assert.Equal("file-service", fromEnvironmentLast.ServiceId);
        Assert.Equal("from-file", AsherahOptions.FromConfiguration(fileLast).ProductId);
    }

    [Fact]
    public void ConfigurationKeys_ListsEveryCanonicalServerVariable()
    {
        string[] canonical =
        [
            "ASHERAH_SERVICE_NAME", "ASHERAH_PRODUCT_NAME", "ASHERAH_EXPIRE_AFTER", "ASHERAH_CHECK_INTERVAL", "ASHERAH_METASTORE_MODE",
            "ASHERAH_CONNECTION_STRING", "ASHERAH_REPLICA_READ_CONSISTENCY", "ASHERAH_DYNAMODB_ENDPOINT", "ASHERAH_DYNAMODB_REGION",
            "ASHERAH_DYNAMODB_TABLE_NAME", "ASHERAH_SESSION_CACHE_MAX_SIZE", "ASHERAH_SESSION_CACHE_DURATION", "ASHERAH_KMS_MODE",
            "ASHERAH_REGION_MAP", "ASHERAH_PREFERRED_REGION", "ASHERAH_ENABLE_REGION_SUFFIX", "ASHERAH_ENABLE_SESSION_CACHING", "ASHERAH_VERBOSE",
        ];

        Assert.All(canonical, name => Assert.StartsWith("Asherah:", AsherahEnvironmentVariables.ConfigurationKeys[name]));
    }
}

/// <summary>Tests that set real process environment variables; never run in parallel with others.</summary>
[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;

[Collection(nameof(ProcessEnvironment))]
public class AsherahProcessEnvironmentTests
{
    [Fact]
    public void FromEnvironment_ReadsTheProcessEnvironment()
    {
        System.Environment.SetEnvironmentVariable("ASHERAH_PRODUCT_NAME", "process-product");
        System.Environment.SetEnvironmentVariable("ASHERAH_CHECK_INTERVAL", "7m");
        try
        {
            var options = AsherahOptions.FromEnvironment();

            Assert.Equal("process-product", options.ProductId);
            Assert.Equal(TimeSpan.FromMinutes(7), options.CheckInterval);
        }
        finally
        {
            System.Environment.SetEnvironmentVariable("ASHERAH_PRODUCT_NAME", null);
            System.Environment.SetEnvironmentVariable("ASHERAH_CHECK_INTERVAL", null);
        }
    }
}

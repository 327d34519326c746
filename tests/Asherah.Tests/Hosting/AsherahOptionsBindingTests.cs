using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using static Asherah.Tests.Hosting.HostingTestSupport;

namespace Asherah.Tests.Hosting;

public class AsherahOptionsBindingTests
{
    [Fact]
    public void FromConfiguration_ReadsEverySetting_FromTheAsherahSection()
    {
        var options = AsherahOptions.FromConfiguration(Configuration(
            ("Asherah:ProductId", "billing"),
            ("Asherah:ServiceId", "invoices"),
            ("Asherah:Metastore", "sqlite"),
            ("Asherah:ConnectionString", "/tmp/keys.db"),
            ("Asherah:Kms", "static"),
            ("Asherah:StaticMasterKey", MasterKey),
            ("Asherah:StaticMasterKeyFile", "/tmp/master.key"),
            ("Asherah:ExpireAfter", "720h"),
            ("Asherah:CheckInterval", "10m"),
            ("Asherah:EnableSessionCaching", "true"),
            ("Asherah:SessionCacheMaxSize", "50"),
            ("Asherah:SessionCacheDuration", "00:05:00"),
            ("Asherah:AesGcmEngine", "platform"),
            ("Asherah:SecureMemory:AllowUnlockedFallback", "true"),
            ("Asherah:SecureMemory:StrictProtection", "1"),
            ("Asherah:SecureMemory:DisableCoreDumps", "false"),
            ("Asherah:SecureMemory:ChunkSize", "131072")));

        Assert.Equal("billing", options.ProductId);
        Assert.Equal("invoices", options.ServiceId);
        Assert.Equal("sqlite", options.Metastore);
        Assert.Equal("/tmp/keys.db", options.ConnectionString);
        Assert.Equal("static", options.Kms);
        Assert.Equal(MasterKey, options.StaticMasterKey);
        Assert.Equal("/tmp/master.key", options.StaticMasterKeyFile);
        Assert.Equal(TimeSpan.FromDays(30), options.ExpireAfter);
        Assert.Equal(TimeSpan.FromMinutes(10), options.CheckInterval);
        Assert.True(options.EnableSessionCaching);
        Assert.Equal(50, options.SessionCacheMaxSize);
        Assert.Equal(TimeSpan.FromMinutes(5), options.SessionCacheDuration);
        Assert.Equal(AesGcmEngineKind.Platform, options.AesGcmEngine);
        Assert.True(options.SecureMemory.AllowUnlockedFallback);
        Assert.True(options.SecureMemory.StrictProtection);
        Assert.False(options.SecureMemory.DisableCoreDumps);
        Assert.Equal(131072, options.SecureMemory.ChunkSize);
    }

    [Fact]
    public void FromConfiguration_WithNothingSet_KeepsTheDocumentedDefaults()
    {
        var options = AsherahOptions.FromConfiguration(Configuration());

        Assert.Equal(string.Empty, options.ProductId);
        Assert.Null(options.Metastore);
        Assert.Null(options.Kms);
        Assert.Equal(TimeSpan.FromDays(90), options.ExpireAfter);
        Assert.Equal(TimeSpan.FromMinutes(60), options.CheckInterval);
        Assert.False(options.EnableSessionCaching);
        Assert.Equal(1000, options.SessionCacheMaxSize);
        Assert.Equal(TimeSpan.FromHours(2), options.SessionCacheDuration);
        Assert.Equal(AesGcmEngineKind.Auto, options.AesGcmEngine);
        Assert.Null(options.CryptoPolicy);
        Assert.False(options.SecureMemory.AllowUnlockedFallback);
    }

    [Fact]
    public void FromConfiguration_GivenASection_ReadsThatSectionItself()
    {
        var root = Configuration(("Encryption:ProductId", "p"), ("Asherah:ProductId", "not this one"));

        Assert.Equal("p", AsherahOptions.FromConfiguration(root.GetSection("Encryption")).ProductId);
        Assert.Equal("not this one", AsherahOptions.FromConfiguration(root).ProductId);
    }

    [Theory]
    [InlineData("2160h", 90 * 24 * 60)]
    [InlineData("90m", 90)]
    [InlineData("1h30m", 90)]
    [InlineData("1.5h", 90)]
    [InlineData("5400s", 90)]
    [InlineData("90d", 90 * 24 * 60)]
    [InlineData("01:30:00", 90)]
    [InlineData("90.00:00:00", 90 * 24 * 60)]
    public void Durations_AreReadInGoFormOrAsTimeSpans(string text, int minutes)
    {
        var options = AsherahOptions.FromConfiguration(Configuration(("Asherah:ExpireAfter", text)));

        Assert.Equal(TimeSpan.FromMinutes(minutes), options.ExpireAfter);
    }

    [Theory]
    [InlineData("ExpireAfter", "90 minutes", "ASHERAH_EXPIRE_AFTER", "not a Go duration")]
    [InlineData("CheckInterval", "10x", "ASHERAH_CHECK_INTERVAL", "not a Go duration")]
    [InlineData("ExpireAfter", "0", "ASHERAH_EXPIRE_AFTER", "out of range")]
    [InlineData("SessionCacheMaxSize", "many", "ASHERAH_SESSION_CACHE_MAX_SIZE", "not a whole number")]
    [InlineData("SessionCacheMaxSize", "-1", "ASHERAH_SESSION_CACHE_MAX_SIZE", "out of range")]
    [InlineData("EnableSessionCaching", "maybe", "ASHERAH_ENABLE_SESSION_CACHING", "not true or false")]
    [InlineData("AesGcmEngine", "1", "ASHERAH_AES_GCM_ENGINE", "not Auto, Intrinsics or Platform")]
    [InlineData("SecureMemory:ChunkSize", "1000", "ASHERAH_SECURE_MEMORY_CHUNK_SIZE", "out of range")]
    public void BadValues_FailWithTheKeyTheVariableAndTheExpectedForm(string key, string value, string variable, string says)
    {
        var e = Assert.Throws<OptionsValidationException>(() => AsherahOptions.FromConfiguration(Configuration(("Asherah:" + key, value))));

        var failure = Assert.Single(e.Failures);
        Assert.Contains("Asherah:" + key, failure);
        Assert.Contains(variable, failure);
        Assert.Contains(says, failure);
    }

    [Fact]
    public void PolicySettings_MakeABasicExpiringPolicy()
    {
        var options = AsherahOptions.FromConfiguration(Configuration(
            ("Asherah:ExpireAfter", "48h"), ("Asherah:CheckInterval", "15m"), ("Asherah:EnableSessionCaching", "true"),
            ("Asherah:SessionCacheMaxSize", "7"), ("Asherah:SessionCacheDuration", "3m")));

        var policy = Assert.IsType<BasicExpiringCryptoPolicy>(options.ResolvePolicy());

        Assert.Equal(TimeSpan.FromHours(48), policy.KeyExpiration);
        Assert.Equal(TimeSpan.FromMinutes(15), policy.RevokeCheckInterval);
        Assert.True(policy.CacheSessions);
        Assert.Equal(7, policy.SessionCacheMaxSize);
        Assert.Equal(TimeSpan.FromMinutes(3), policy.SessionCacheExpiration);
    }

    [Fact]
    public void APolicySetInCode_WinsOverThePolicySettings()
    {
        var options = AsherahOptions.FromConfiguration(Configuration(("Asherah:ExpireAfter", "48h")));
        var policy = new NeverExpiredCryptoPolicy();
        options.CryptoPolicy = policy;

        Assert.Same(policy, options.ResolvePolicy());
    }
}

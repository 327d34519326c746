using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Asherah.Tests.Hosting.HostingTestSupport;

namespace Asherah.Tests.Caching;

/// <summary>The cache settings: canonical names, case-insensitive policy names, errors naming the setting.</summary>
public sealed class CacheOptionsTests
{
    [Fact]
    public void CacheSettings_AreReadFromConfiguration_AndMakeThePolicy()
    {
        var options = AsherahOptions.FromConfiguration(Configuration(
            ("Asherah:SystemKeyCacheMaxSize", "10"),
            ("Asherah:SystemKeyCacheEvictionPolicy", "LRU"),
            ("Asherah:IntermediateKeyCacheMaxSize", "20000"),
            ("Asherah:IntermediateKeyCacheEvictionPolicy", "TinyLfu"),
            ("Asherah:SharedIntermediateKeyCache", "true"),
            ("Asherah:SessionCacheEvictionPolicy", "slru")));

        var policy = options.ResolvePolicy();

        Assert.Equal(10, policy.SystemKeyCacheMaxSize);
        Assert.Equal(CacheEvictionPolicy.Lru, policy.SystemKeyCacheEvictionPolicy);
        Assert.Equal(20000, policy.IntermediateKeyCacheMaxSize);
        Assert.Equal(CacheEvictionPolicy.TinyLfu, policy.IntermediateKeyCacheEvictionPolicy);
        Assert.True(policy.SharedIntermediateKeyCache);
        Assert.Equal(CacheEvictionPolicy.Slru, policy.SessionCacheEvictionPolicy);
    }

    [Fact]
    public void CacheSettings_AreReadFromTheirEnvironmentVariables()
    {
        var options = AsherahOptions.FromConfiguration(Variables(
            ("ASHERAH_SYSTEM_KEY_CACHE_MAX_SIZE", "3"),
            ("ASHERAH_SYSTEM_KEY_CACHE_EVICTION_POLICY", "lfu"),
            ("ASHERAH_INTERMEDIATE_KEY_CACHE_MAX_SIZE", "4"),
            ("ASHERAH_INTERMEDIATE_KEY_CACHE_EVICTION_POLICY", "slru"),
            ("ASHERAH_SHARED_INTERMEDIATE_KEY_CACHE", "1"),
            ("ASHERAH_SESSION_CACHE_EVICTION_POLICY", "simple")));

        Assert.Equal(3, options.SystemKeyCacheMaxSize);
        Assert.Equal(CacheEvictionPolicy.Lfu, options.SystemKeyCacheEvictionPolicy);
        Assert.Equal(4, options.IntermediateKeyCacheMaxSize);
        Assert.Equal(CacheEvictionPolicy.Slru, options.IntermediateKeyCacheEvictionPolicy);
        Assert.True(options.SharedIntermediateKeyCache);
        Assert.Equal(CacheEvictionPolicy.Simple, options.SessionCacheEvictionPolicy);
    }

    [Fact]
    public void Defaults_AreUnboundedKeyCaches_AndAnSlruSessionCache()
    {
        var options = AsherahOptions.FromConfiguration(Configuration());
        var policy = new BasicExpiringCryptoPolicy();

        foreach (var (system, systemSize, intermediate, intermediateSize, shared, session) in new[]
        {
            (options.SystemKeyCacheEvictionPolicy, options.SystemKeyCacheMaxSize, options.IntermediateKeyCacheEvictionPolicy, options.IntermediateKeyCacheMaxSize, options.SharedIntermediateKeyCache, options.SessionCacheEvictionPolicy),
            (policy.SystemKeyCacheEvictionPolicy, policy.SystemKeyCacheMaxSize, policy.IntermediateKeyCacheEvictionPolicy, policy.IntermediateKeyCacheMaxSize, policy.SharedIntermediateKeyCache, policy.SessionCacheEvictionPolicy),
        })
        {
            Assert.Equal(CacheEvictionPolicy.Simple, system);
            Assert.Equal(1000, systemSize);
            Assert.Equal(CacheEvictionPolicy.Simple, intermediate);
            Assert.Equal(1000, intermediateSize);
            Assert.False(shared);
            Assert.Equal(CacheEvictionPolicy.Slru, session);
        }
    }

    [Theory]
    [InlineData("IntermediateKeyCacheEvictionPolicy", "arc", "ASHERAH_INTERMEDIATE_KEY_CACHE_EVICTION_POLICY", "not a cache eviction policy: simple, lru, lfu, slru or tinylfu")]
    [InlineData("SystemKeyCacheEvictionPolicy", "2", "ASHERAH_SYSTEM_KEY_CACHE_EVICTION_POLICY", "not a cache eviction policy")]
    [InlineData("SessionCacheEvictionPolicy", "w-tinylfu", "ASHERAH_SESSION_CACHE_EVICTION_POLICY", "not a cache eviction policy")]
    [InlineData("IntermediateKeyCacheMaxSize", "0", "ASHERAH_INTERMEDIATE_KEY_CACHE_MAX_SIZE", "out of range")]
    [InlineData("SystemKeyCacheMaxSize", "lots", "ASHERAH_SYSTEM_KEY_CACHE_MAX_SIZE", "not a whole number")]
    [InlineData("SharedIntermediateKeyCache", "yes", "ASHERAH_SHARED_INTERMEDIATE_KEY_CACHE", "not true or false")]
    public void BadCacheSettings_FailNamingTheSettingAndItsVariable(string key, string value, string variable, string says)
    {
        var e = Assert.Throws<OptionsValidationException>(() => AsherahOptions.FromConfiguration(Configuration(("Asherah:" + key, value))));

        var failure = Assert.Single(e.Failures);
        Assert.Contains("Asherah:" + key, failure);
        Assert.Contains(variable, failure);
        Assert.Contains(says, failure);
    }

    [Fact]
    public void BadCacheSettings_FailValidateOnStart_NamingTheSetting()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddAsherah(Configuration(Minimal(("Asherah:SessionCacheEvictionPolicy", "random"))));
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(e.Failures, f => f.Contains("Asherah:SessionCacheEvictionPolicy", StringComparison.Ordinal) && f.Contains("'random'", StringComparison.Ordinal));
    }

    [Fact]
    public void CacheSettingsFromConfiguration_ReachTheFactory()
    {
        var options = AsherahOptions.FromConfiguration(Configuration(Minimal(
            ("Asherah:SharedIntermediateKeyCache", "true"), ("Asherah:IntermediateKeyCacheEvictionPolicy", "lfu"), ("Asherah:IntermediateKeyCacheMaxSize", "2"))));
        using var factory = SessionFactoryBuilder.FromOptions(options).Build();

        AssertRoundTrips(factory);
        var shared = factory.Context.SharedIntermediateKeys;
        Assert.NotNull(shared);
        Assert.Equal(CacheEvictionPolicy.Lfu, shared.Policy);
        Assert.Equal(2, shared.Capacity);
    }

    [Fact]
    public void PolicySetters_RefuseValuesOutsideTheEnum_AndSizesBelowOne()
    {
        var policy = new NeverExpiredCryptoPolicy();
        Assert.Throws<ArgumentOutOfRangeException>(() => policy.IntermediateKeyCacheEvictionPolicy = (CacheEvictionPolicy)42);
        Assert.Throws<ArgumentOutOfRangeException>(() => policy.SystemKeyCacheMaxSize = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AsherahOptions().IntermediateKeyCacheMaxSize = -5);
    }
}

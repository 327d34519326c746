using Microsoft.Extensions.Options;
using static Asherah.Tests.Hosting.HostingTestSupport;

namespace Asherah.Tests.Hosting;

/// <summary>The policy kind, notify flags, warm-up and production-guard settings, from configuration and variables.</summary>
public class OperationalOptionsBindingTests
{
    [Fact]
    public void FromConfiguration_ReadsThePolicyNotifyWarmUpAndGuardSettings()
    {
        var options = AsherahOptions.FromConfiguration(Configuration(Minimal(
            ("Asherah:Policy", "neverexpired"),
            ("Asherah:NotifyExpiredIntermediateKeyOnRead", "true"),
            ("Asherah:NotifyExpiredSystemKeyOnRead", "t"),
            ("Asherah:WarmUpOnStart", "false"),
            ("Asherah:FailStartOnWarmUpError", "1"),
            ("Asherah:AllowDevelopmentComponentsInProduction", "true"))));

        Assert.Equal(CryptoPolicyKind.NeverExpired, options.Policy);
        Assert.True(options.NotifyExpiredIntermediateKeyOnRead);
        Assert.True(options.NotifyExpiredSystemKeyOnRead);
        Assert.False(options.WarmUpOnStart);
        Assert.True(options.FailStartOnWarmUpError);
        Assert.True(options.AllowDevelopmentComponentsInProduction);
    }

    [Fact]
    public void Defaults_AreExpiringPolicy_WarmUpOn_FailuresLogged_GuardOn()
    {
        var options = AsherahOptions.FromConfiguration(Configuration(Minimal()));

        Assert.Equal(CryptoPolicyKind.BasicExpiring, options.Policy);
        Assert.False(options.NotifyExpiredIntermediateKeyOnRead);
        Assert.False(options.NotifyExpiredSystemKeyOnRead);
        Assert.True(options.WarmUpOnStart);
        Assert.False(options.FailStartOnWarmUpError);
        Assert.False(options.AllowDevelopmentComponentsInProduction);
    }

    [Fact]
    public void EnvironmentVariables_SetTheSameSettings()
    {
        var options = AsherahOptions.FromConfiguration(Variables(
            ("ASHERAH_PRODUCT_NAME", "p"),
            ("ASHERAH_SERVICE_NAME", "s"),
            ("ASHERAH_CRYPTO_POLICY", "NeverExpired"),
            ("ASHERAH_NOTIFY_EXPIRED_INTERMEDIATE_KEY_ON_READ", "true"),
            ("ASHERAH_NOTIFY_EXPIRED_SYSTEM_KEY_ON_READ", "true"),
            ("ASHERAH_WARM_UP_ON_START", "false"),
            ("ASHERAH_FAIL_START_ON_WARM_UP_ERROR", "true"),
            ("ASHERAH_ALLOW_DEVELOPMENT_COMPONENTS_IN_PRODUCTION", "true")));

        Assert.Equal(CryptoPolicyKind.NeverExpired, options.Policy);
        Assert.True(options.NotifyExpiredIntermediateKeyOnRead);
        Assert.True(options.NotifyExpiredSystemKeyOnRead);
        Assert.False(options.WarmUpOnStart);
        Assert.True(options.FailStartOnWarmUpError);
        Assert.True(options.AllowDevelopmentComponentsInProduction);
    }

    [Theory]
    [InlineData("Asherah:Policy", "forever", "ASHERAH_CRYPTO_POLICY", "BasicExpiring or NeverExpired")]
    [InlineData("Asherah:Policy", "1", "ASHERAH_CRYPTO_POLICY", "BasicExpiring or NeverExpired")]
    [InlineData("Asherah:WarmUpOnStart", "sometimes", "ASHERAH_WARM_UP_ON_START", "true or false")]
    [InlineData("Asherah:NotifyExpiredSystemKeyOnRead", "yes!", "ASHERAH_NOTIFY_EXPIRED_SYSTEM_KEY_ON_READ", "true or false")]
    [InlineData("Asherah:AllowDevelopmentComponentsInProduction", "ok", "ASHERAH_ALLOW_DEVELOPMENT_COMPONENTS_IN_PRODUCTION", "true or false")]
    public void BadValue_IsRefused_NamingTheKeyItsVariableAndTheForm(string key, string value, string variable, string form)
    {
        var e = Assert.Throws<OptionsValidationException>(() => AsherahOptions.FromConfiguration(Configuration(Minimal((key, value)))));

        var failure = Assert.Single(e.Failures);
        Assert.Contains(key, failure);
        Assert.Contains(variable, failure);
        Assert.Contains(form, failure);
    }

    [Fact]
    public void NeverExpiredPolicyKind_MakesANeverExpiredPolicy_CarryingTheSessionAndNotifySettings()
    {
        var options = AsherahOptions.FromConfiguration(Configuration(Minimal(
            ("Asherah:Policy", "NeverExpired"),
            ("Asherah:EnableSessionCaching", "true"),
            ("Asherah:SessionCacheMaxSize", "7"),
            ("Asherah:NotifyExpiredSystemKeyOnRead", "true"))));

        var policy = Assert.IsType<NeverExpiredCryptoPolicy>(options.ResolvePolicy());

        Assert.True(policy.CacheSessions);
        Assert.Equal(7, policy.SessionCacheMaxSize);
        Assert.True(policy.NotifyExpiredSystemKeyOnRead);
        Assert.False(policy.NotifyExpiredIntermediateKeyOnRead);
        Assert.Equal(TimeSpan.MaxValue, policy.RevokeCheckInterval);
    }

    [Fact]
    public void ExpiringPolicy_CarriesTheNotifyFlags()
    {
        var options = AsherahOptions.FromConfiguration(Configuration(Minimal(
            ("Asherah:CheckInterval", "15m"),
            ("Asherah:NotifyExpiredIntermediateKeyOnRead", "true"))));

        var policy = Assert.IsType<BasicExpiringCryptoPolicy>(options.ResolvePolicy());

        Assert.True(policy.NotifyExpiredIntermediateKeyOnRead);
        Assert.False(policy.NotifyExpiredSystemKeyOnRead);
        Assert.Equal(TimeSpan.FromMinutes(15), policy.RevokeCheckInterval);
    }

    [Fact]
    public void EveryNewVariable_IsListed_WithItsConfigurationKey()
    {
        var keys = AsherahEnvironmentVariables.ConfigurationKeys;

        Assert.Equal("Asherah:Policy", keys["ASHERAH_CRYPTO_POLICY"]);
        Assert.Equal("Asherah:WarmUpOnStart", keys["ASHERAH_WARM_UP_ON_START"]);
        Assert.Equal("Asherah:FailStartOnWarmUpError", keys["ASHERAH_FAIL_START_ON_WARM_UP_ERROR"]);
        Assert.Equal("Asherah:AllowDevelopmentComponentsInProduction", keys["ASHERAH_ALLOW_DEVELOPMENT_COMPONENTS_IN_PRODUCTION"]);
        Assert.Equal("Asherah:NotifyExpiredIntermediateKeyOnRead", keys["ASHERAH_NOTIFY_EXPIRED_INTERMEDIATE_KEY_ON_READ"]);
        Assert.Equal("Asherah:NotifyExpiredSystemKeyOnRead", keys["ASHERAH_NOTIFY_EXPIRED_SYSTEM_KEY_ON_READ"]);
    }
}

using Microsoft.Extensions.Options;
using static Asherah.Tests.Hosting.HostingTestSupport;

namespace Asherah.Tests.KeyManagement;

/// <summary>The background key refresh settings from configuration and the environment, and their errors.</summary>
public sealed class KeyRefreshOptionsTests
{
    [Fact]
    public void Settings_AreReadFromConfiguration_AndMakeThePolicy()
    {
        var options = AsherahOptions.FromConfiguration(Configuration(Minimal(
            ("Asherah:BackgroundKeyRefresh", "true"),
            ("Asherah:RefreshAheadFraction", "0.5"),
            ("Asherah:MaxConcurrentKeyRefreshes", "8"))));

        var policy = options.ResolvePolicy();

        Assert.True(policy.BackgroundKeyRefresh);
        Assert.Equal(0.5, policy.RefreshAheadFraction);
        Assert.Equal(8, policy.MaxConcurrentKeyRefreshes);
        using var factory = SessionFactoryBuilder.FromOptions(options).Build();
        Assert.NotNull(factory.Context.Refresher);
    }

    [Fact]
    public void Settings_AreReadFromTheirEnvironmentVariables()
    {
        var options = AsherahOptions.FromConfiguration(Variables(
            ("ASHERAH_BACKGROUND_KEY_REFRESH", "true"),
            ("ASHERAH_REFRESH_AHEAD_FRACTION", "1"),
            ("ASHERAH_MAX_CONCURRENT_KEY_REFRESHES", "2")));

        Assert.True(options.BackgroundKeyRefresh);
        Assert.Equal(1.0, options.RefreshAheadFraction);
        Assert.Equal(2, options.MaxConcurrentKeyRefreshes);
    }

    [Fact]
    public void Defaults_AreInlineReChecks()
    {
        var options = AsherahOptions.FromConfiguration(Configuration(Minimal()));
        Assert.False(options.BackgroundKeyRefresh);
        Assert.Equal(CryptoPolicy.DefaultRefreshAheadFraction, options.RefreshAheadFraction);
        Assert.Equal(CryptoPolicy.DefaultMaxConcurrentKeyRefreshes, options.MaxConcurrentKeyRefreshes);
        using var factory = SessionFactoryBuilder.FromOptions(options).Build();
        Assert.Null(factory.Context.Refresher);
    }

    [Theory]
    [InlineData("RefreshAheadFraction", "0", "ASHERAH_REFRESH_AHEAD_FRACTION", "greater than 0 and at most 1")]
    [InlineData("RefreshAheadFraction", "80%", "ASHERAH_REFRESH_AHEAD_FRACTION", "not a number greater than 0")]
    [InlineData("RefreshAheadFraction", "NaN", "ASHERAH_REFRESH_AHEAD_FRACTION", "not a number greater than 0")]
    [InlineData("MaxConcurrentKeyRefreshes", "0", "ASHERAH_MAX_CONCURRENT_KEY_REFRESHES", "out of range")]
    [InlineData("BackgroundKeyRefresh", "sometimes", "ASHERAH_BACKGROUND_KEY_REFRESH", "not true or false")]
    public void BadValues_AreErrors_NamingTheSetting(string key, string value, string variable, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => AsherahOptions.FromConfiguration(Configuration(($"Asherah:{key}", value))));
        Assert.Contains($"Asherah:{key}", error.Message);
        Assert.Contains(variable, error.Message);
        Assert.Contains(expected, error.Message);
    }
}

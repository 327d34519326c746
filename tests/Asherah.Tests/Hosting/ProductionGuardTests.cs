using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static Asherah.Tests.Hosting.HostingTestSupport;

namespace Asherah.Tests.Hosting;

/// <summary>The static KMS, the in-memory metastore and the never-expiring policy are refused in Production unless allowed.</summary>
public class ProductionGuardTests
{
    [Fact]
    public async Task Production_RefusesTheMemoryMetastoreAndStaticKms_ChosenByName_SayingWhyAndHowToAllow()
    {
        using var host = BuildHost(Environments.Production, Minimal());

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(2, e.Failures.Count());
        Assert.Contains(e.Failures, f => f.Contains("in-memory metastore", StringComparison.Ordinal) && f.Contains("unreadable after a restart", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("static KMS", StringComparison.Ordinal));
        Assert.All(e.Failures, f =>
        {
            Assert.Contains("Production", f);
            Assert.Contains("Asherah:AllowDevelopmentComponentsInProduction", f);
            Assert.Contains("ASHERAH_ALLOW_DEVELOPMENT_COMPONENTS_IN_PRODUCTION", f);
        });
        Assert.DoesNotContain(MasterKey, e.Message);
    }

    [Fact]
    public async Task Production_RefusesTheNeverExpiredPolicy_FromConfiguration()
    {
        using var host = BuildHost(Environments.Production, Minimal(("Asherah:Policy", "NeverExpired")));

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(3, e.Failures.Count());
        Assert.Contains(e.Failures, f => f.Contains("never-expiring crypto policy", StringComparison.Ordinal) && f.Contains("ASHERAH_CRYPTO_POLICY", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Production_RefusesANeverExpiredPolicyObject_SetInCode()
    {
        using var host = BuildHost(Environments.Production, Minimal(), b => b.Services.Configure<AsherahOptions>(o => o.CryptoPolicy = new NeverExpiredCryptoPolicy()));

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(3, e.Failures.Count());
        Assert.Contains(e.Failures, f => f.Contains("NeverExpiredCryptoPolicy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Production_RefusesDevelopmentParts_GivenInCode_WhenTheFactoryIsBuilt()
    {
        var config = new[] { ("Asherah:ProductId", (string?)"p"), ("Asherah:ServiceId", "s") };
        using var host = BuildHost(Environments.Production, config, b => b.UseMetastore(_ => new InMemoryMetastore()).UseStaticKeyManagementService(MasterKey));

        // The warm-up builds the factory at start, so the refusal fails the start.
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(2, e.Failures.Count());
    }

    [Fact]
    public async Task Production_RefusesDevelopmentParts_GivenInCode_OnFirstResolve_WhenWarmUpIsOff()
    {
        var config = new[] { ("Asherah:ProductId", (string?)"p"), ("Asherah:ServiceId", "s"), ("Asherah:WarmUpOnStart", "false") };
        using var host = BuildHost(Environments.Production, config, b => b.UseInMemoryMetastore().UseStaticKeyManagementService(MasterKey));
        await host.StartAsync();

        var e = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<SessionFactory>());

        Assert.Contains(e.Failures, f => f.Contains("in-memory metastore", StringComparison.Ordinal));
        await host.StopAsync();
    }

    [Fact]
    public async Task Production_AllowsThem_WhenExplicitlyAllowed()
    {
        using var host = BuildHost(Environments.Production, Minimal(("Asherah:Policy", "NeverExpired")), allowMemoryAndStatic: true);

        await host.StartAsync();

        AssertRoundTrips(host.Services.GetRequiredService<SessionFactory>());
        await host.StopAsync();
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Staging")]
    public async Task OtherEnvironments_AllowThem(string environment)
    {
        using var host = BuildHost(environment, Minimal(("Asherah:Policy", "NeverExpired")));

        await host.StartAsync();

        AssertRoundTrips(host.Services.GetRequiredService<SessionFactory>());
        await host.StopAsync();
    }

    [Fact]
    public void WithoutAHostEnvironment_NothingIsRefused()
    {
        var services = new ServiceCollection();
        services.AddAsherah(Configuration(Minimal(("Asherah:Policy", "NeverExpired"))));
        using var provider = services.BuildServiceProvider();

        AssertRoundTrips(provider.GetRequiredService<SessionFactory>());
    }

    private static IHost BuildHost(string environment, (string, string?)[] config, Action<IAsherahBuilder>? code = null, bool allowMemoryAndStatic = false)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment });
        builder.Configuration.AddConfiguration(Configuration([.. config, ("Asherah:AllowDevelopmentComponentsInProduction", allowMemoryAndStatic ? "true" : null)]));
        var asherah = builder.Services.AddAsherah(builder.Configuration);
        code?.Invoke(asherah);
        return builder.Build();
    }
}

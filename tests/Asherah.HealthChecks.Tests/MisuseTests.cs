using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Asherah.HealthChecks.Tests;

/// <summary>The health check and its registration under misuse: nulls, nonsense timeouts, a disposed factory, a cancelled check.</summary>
public class MisuseTests
{
    private static SessionFactory Factory() => SessionFactory.NewBuilder("product", "service").WithMetastore(new InMemoryMetastore())
        .WithNeverExpiredCryptoPolicy().WithStaticKeyManagementService("thisIsAStaticMasterKeyForTesting").Build();

    private static HealthCheckContext Context(IHealthCheck check) =>
        new() { Registration = new HealthCheckRegistration("asherah", check, HealthStatus.Degraded, null) };

    [Fact]
    public void Constructor_RefusesNulls()
    {
        using var factory = Factory();
        Assert.Equal("factory", Assert.Throws<ArgumentNullException>(() => new AsherahHealthCheck(null!, new AsherahHealthProbeOptions())).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new AsherahHealthCheck(factory, null!)).ParamName);
    }

    [Fact]
    public void AddAsherah_RefusesNullBuilderBlankNamesAndNonPositiveTimeouts()
    {
        var checks = new ServiceCollection().AddHealthChecks();
        Assert.Throws<ArgumentNullException>(() => ((IHealthChecksBuilder)null!).AddAsherah());
        Assert.ThrowsAny<ArgumentException>(() => checks.AddAsherah(name: null!));
        Assert.ThrowsAny<ArgumentException>(() => checks.AddAsherah(name: " "));
        Assert.Throws<ArgumentOutOfRangeException>(() => checks.AddAsherah(timeout: TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => checks.AddAsherah(timeout: TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public async Task ADisposedFactory_IsReportedWithTheRegistrationsFailureStatus_NotThrown()
    {
        var factory = Factory();
        factory.Dispose();
        var check = new AsherahHealthCheck(factory, new AsherahHealthProbeOptions());

        var result = await check.CheckHealthAsync(Context(check));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.IsType<ObjectDisposedException>(result.Exception);
    }

    [Fact]
    public async Task AHugeTimeout_AndACancelledCheck_AreHandled()
    {
        using var factory = Factory();
        var check = new AsherahHealthCheck(factory, new AsherahHealthProbeOptions { Timeout = TimeSpan.MaxValue });
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(Context(check))).Status);
        Assert.Throws<ArgumentNullException>(() => check.CheckHealthAsync(null!).GetAwaiter().GetResult());

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => check.CheckHealthAsync(Context(check), cancelled.Token));
    }
}

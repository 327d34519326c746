using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Asherah.HealthChecks.Tests;

/// <summary><c>AddHealthChecks().AddAsherah(...)</c>: name, tags, failure status, data.</summary>
public class RegistrationTests
{
    private const string MasterKey = "thisIsAStaticMasterKeyForTesting";
    private const string OtherMasterKey = "anotherStaticMasterKeyForTests!!";

    [Fact]
    public async Task AddAsherah_RegistersAHealthyCheck_WithTheDefaultName()
    {
        using var provider = Provider(new InMemoryMetastore(), MasterKey, checks => checks.AddAsherah());

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = Assert.Single(report.Entries);
        Assert.Equal("asherah", entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
        Assert.Equal("_SK_service_product", entry.Value.Data["systemKeyId"]);
        Assert.Equal(false, entry.Value.Data["systemKeyFound"]);
    }

    [Fact]
    public async Task AddAsherah_UsesTheGivenNameTagsAndFailureStatus_WhenTheKmsFails()
    {
        var metastore = new InMemoryMetastore();
        using (var writer = SessionFactory.NewBuilder("product", "service").WithMetastore(metastore)
                   .WithNeverExpiredCryptoPolicy().WithStaticKeyManagementService(OtherMasterKey).Build())
        {
            writer.GetSessionBytes("p").Encrypt([1]);
        }

        using var provider = Provider(metastore, MasterKey, checks => checks.AddAsherah("keys", HealthStatus.Degraded, ["ready"], TimeSpan.FromSeconds(2)));

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains("ready"));

        var entry = Assert.Single(report.Entries);
        Assert.Equal("keys", entry.Key);
        Assert.Equal(HealthStatus.Degraded, entry.Value.Status);
        Assert.Contains("ready", entry.Value.Tags);
        Assert.Equal("KeyManagementService", entry.Value.Data["failedComponent"]);
        Assert.Contains("key management service failed", entry.Value.Description, StringComparison.Ordinal);
        Assert.IsType<KmsException>(entry.Value.Exception);
    }

    [Fact]
    public async Task AddAsherah_WithKmsProbingOff_StaysHealthy_WhenOnlyTheKmsWouldFail()
    {
        var metastore = new InMemoryMetastore();
        using (var writer = SessionFactory.NewBuilder("product", "service").WithMetastore(metastore)
                   .WithNeverExpiredCryptoPolicy().WithStaticKeyManagementService(OtherMasterKey).Build())
        {
            writer.GetSessionBytes("p").Encrypt([1]);
        }

        using var provider = Provider(metastore, MasterKey, checks => checks.AddAsherah(probeKeyManagementService: false));

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal(false, report.Entries["asherah"].Data["kmsProbed"]);
    }

    internal static ServiceProvider Provider(IMetastore metastore, string masterKey, Action<IHealthChecksBuilder> checks)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAsherah(o => { o.ProductId = "product"; o.ServiceId = "service"; })
            .UseMetastore(_ => metastore)
            .UseStaticKeyManagementService(masterKey);
        checks(services.AddHealthChecks());
        return services.BuildServiceProvider();
    }
}

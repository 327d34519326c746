namespace Asherah.Tests.Hosting;

/// <summary>The health probe reads the system key and decrypts it through the KMS, and never creates a key.</summary>
public class HealthProbeTests
{
    private const string OtherMasterKey = "anotherStaticMasterKeyForTests!!";

    [Fact]
    public async Task Probe_BeforeAnyKey_IsHealthy_LeavesTheKmsUnprobed_AndCreatesNothing()
    {
        var metastore = new InMemoryMetastore();
        using var factory = TestFactories.New(metastore);

        var report = await AsherahHealthProbe.ProbeAsync(factory);

        Assert.True(report.IsHealthy);
        Assert.False(report.SystemKeyFound);
        Assert.False(report.KeyManagementServiceProbed);
        Assert.Contains("not probed", report.Description);
        Assert.Empty(await metastore.ListAllAsync());
    }

    [Fact]
    public async Task Probe_WithAStoredKey_DecryptsItThroughTheKms_AndCreatesNothing()
    {
        var metastore = new InMemoryMetastore();
        using var factory = TestFactories.New(metastore);
        factory.GetSessionBytes("p").Encrypt([1]);
        int before = (await metastore.ListAllAsync()).Count;

        var report = await AsherahHealthProbe.ProbeAsync(factory);

        Assert.True(report.IsHealthy, report.Description);
        Assert.True(report.SystemKeyFound);
        Assert.True(report.KeyManagementServiceProbed);
        Assert.NotNull(report.KeyManagementServiceDuration);
        Assert.Equal("_SK_service_product", report.SystemKeyId);
        Assert.Equal(before, (await metastore.ListAllAsync()).Count);
    }

    [Fact]
    public async Task Probe_WhenTheKmsCannotDecryptTheStoredKey_NamesTheKms()
    {
        var metastore = new InMemoryMetastore();
        using (var writer = TestFactories.New(metastore))
        {
            writer.GetSessionBytes("p").Encrypt([1]);
        }

        using var factory = SessionFactory.NewBuilder("product", "service")
            .WithMetastore(metastore).WithNeverExpiredCryptoPolicy().WithStaticKeyManagementService(OtherMasterKey).Build();

        var report = await AsherahHealthProbe.ProbeAsync(factory);

        Assert.False(report.IsHealthy);
        Assert.Equal(AsherahComponent.KeyManagementService, report.FailedComponent);
        Assert.StartsWith("The metastore answered", report.Description, StringComparison.Ordinal);
        Assert.Contains("key management service failed", report.Description);
        Assert.IsType<KmsException>(report.Exception);
        Assert.DoesNotContain(OtherMasterKey, report.Description);
    }

    [Fact]
    public async Task Probe_WithKmsProbingOff_ReadsTheMetastoreOnly()
    {
        var metastore = new InMemoryMetastore();
        using (var writer = TestFactories.New(metastore))
        {
            writer.GetSessionBytes("p").Encrypt([1]);
        }

        using var factory = SessionFactory.NewBuilder("product", "service")
            .WithMetastore(metastore).WithNeverExpiredCryptoPolicy().WithStaticKeyManagementService(OtherMasterKey).Build();

        var report = await AsherahHealthProbe.ProbeAsync(factory, new AsherahHealthProbeOptions { ProbeKeyManagementService = false });

        Assert.True(report.IsHealthy);
        Assert.True(report.SystemKeyFound);
        Assert.False(report.KeyManagementServiceProbed);
    }

    [Fact]
    public async Task Probe_WhenTheMetastoreDoesNotAnswer_ReportsATimeout_NamingTheMetastore()
    {
        var gated = new GatedMetastore(new InMemoryMetastore(), _ => true);
        using var factory = TestFactories.New(gated);

        var report = await AsherahHealthProbe.ProbeAsync(factory, new AsherahHealthProbeOptions { Timeout = TimeSpan.FromMilliseconds(200) });

        Assert.Equal(AsherahComponent.Metastore, report.FailedComponent);
        Assert.IsType<TimeoutException>(report.Exception);
        Assert.Contains("The metastore failed to load the system key", report.Description);
        Assert.Contains("did not answer within 0.2 s", report.Description);
    }

    [Fact]
    public async Task Probe_ThrowsWhenTheCallerCancels()
    {
        var gated = new GatedMetastore(new InMemoryMetastore(), _ => true);
        using var factory = TestFactories.New(gated);
        using var cancel = new CancellationTokenSource();

        var probe = AsherahHealthProbe.ProbeAsync(factory, cancellationToken: cancel.Token);
        await gated.Entered;
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe);
    }

    [Fact]
    public async Task Probe_OfADisposedFactory_IsUnhealthy()
    {
        var factory = TestFactories.New();
        factory.Dispose();

        var report = await AsherahHealthProbe.ProbeAsync(factory);

        Assert.False(report.IsHealthy);
        Assert.IsType<ObjectDisposedException>(report.Exception);
    }
}

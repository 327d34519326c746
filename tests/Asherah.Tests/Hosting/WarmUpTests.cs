using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static Asherah.Tests.Hosting.HostingTestSupport;

namespace Asherah.Tests.Hosting;

/// <summary>The hosted service AddAsherah registers loads (or creates) the system key when the host starts.</summary>
public class WarmUpTests
{
    private const string SystemKeyId = "_SK_service_product";
    private const string OtherMasterKey = "anotherStaticMasterKeyForTests!!";

    [Fact]
    public async Task HostStart_CreatesAndCachesTheSystemKey_SoTheFirstEncryptFindsIt()
    {
        var metastore = new InMemoryMetastore();
        using var host = BuildHost(metastore);

        await host.StartAsync();

        var stored = Assert.Single(await metastore.ListAllAsync());
        Assert.Equal(SystemKeyId, stored.KeyId);
        var factory = host.Services.GetRequiredService<SessionFactory>();
        Assert.Equal(1, factory.SystemKeys.CachedCount);
        AssertRoundTrips(factory);
        Assert.Single(await metastore.ListAllAsync(), r => r.KeyId == SystemKeyId);
        await host.StopAsync();
    }

    [Fact]
    public async Task HostStart_LoadsAnExistingSystemKey_WithoutCreatingAnother()
    {
        var metastore = new InMemoryMetastore();
        using (var writer = TestFactories.New(metastore))
        {
            AssertRoundTrips(writer);
        }

        var before = await metastore.ListAllAsync();
        using var host = BuildHost(metastore);

        await host.StartAsync();

        Assert.Equal(before.Count, (await metastore.ListAllAsync()).Count);
        Assert.Equal(1, host.Services.GetRequiredService<SessionFactory>().SystemKeys.CachedCount);
        await host.StopAsync();
    }

    [Fact]
    public async Task WarmUpOff_LeavesTheMetastoreUntouched()
    {
        var metastore = new InMemoryMetastore();
        using var host = BuildHost(metastore, ("Asherah:WarmUpOnStart", "false"));

        await host.StartAsync();

        Assert.Empty(await metastore.ListAllAsync());
        await host.StopAsync();
    }

    [Fact]
    public async Task WarmUpFailure_IsLoggedAndTheHostStarts_ByDefault()
    {
        // The stored system key is under another master key, so the KMS cannot decrypt it: a real KMS failure.
        var metastore = await MetastoreWithSystemKeyUnder(OtherMasterKey);
        var log = new RecordingLogger();
        using var host = BuildHost(metastore, log: log);

        await host.StartAsync();

        var entry = Assert.Single(log.Entries, e => e.Id.Id == 201);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains(SystemKeyId, entry.Message);
        Assert.Contains("FailStartOnWarmUpError", entry.Message);
        Assert.DoesNotContain(MasterKey, entry.Message);
        using var session = host.Services.GetRequiredService<SessionFactory>().GetSessionBytes("tenant");
        Assert.Throws<KmsException>(() => session.Encrypt([1]));
        await host.StopAsync();
    }

    [Fact]
    public async Task WarmUpFailure_FailsTheStart_WhenFailStartOnWarmUpErrorIsSet()
    {
        var metastore = await MetastoreWithSystemKeyUnder(OtherMasterKey);
        var log = new RecordingLogger();
        using var host = BuildHost(metastore, log: log, more: ("Asherah:FailStartOnWarmUpError", "true"));

        await Assert.ThrowsAsync<KmsException>(() => host.StartAsync());

        Assert.Equal(LogLevel.Critical, Assert.Single(log.Entries, e => e.Id.Id == 202).Level);
    }

    [Fact]
    public async Task WarmUp_HonoursTheStartToken()
    {
        var gated = new GatedMetastore(new InMemoryMetastore(), id => id == SystemKeyId);
        using var host = BuildHost(gated);
        using var cancel = new CancellationTokenSource();

        var start = host.StartAsync(cancel.Token);
        await gated.Entered;
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
    }

    private static async Task<InMemoryMetastore> MetastoreWithSystemKeyUnder(string masterKey)
    {
        var metastore = new InMemoryMetastore();
        using var factory = SessionFactory.NewBuilder("product", "service")
            .WithMetastore(metastore)
            .WithCryptoPolicy(new BasicExpiringCryptoPolicy())
            .WithStaticKeyManagementService(masterKey)
            .Build();
        await AsherahWarmUpServiceProbe.WarmUpAsync(factory);
        return metastore;
    }

    private static IHost BuildHost(IMetastore metastore, params (string, string?)[] more) => BuildHost(metastore, null, more);

    private static IHost BuildHost(IMetastore metastore, RecordingLogger? log, params (string, string?)[] more)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Configuration.AddConfiguration(Configuration([("Asherah:ProductId", "product"), ("Asherah:ServiceId", "service"), .. more]));
        if (log is not null)
        {
            builder.Logging.AddProvider(new RecordingProvider(log));
        }

        builder.Services.AddAsherah(builder.Configuration)
            .UseMetastore(_ => metastore)
            .UseStaticKeyManagementService(MasterKey);
        return builder.Build();
    }

    private sealed class RecordingProvider(RecordingLogger logger) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose()
        {
        }
    }

    /// <summary>The warm-up itself, to prepare a metastore the way a host start would.</summary>
    private static class AsherahWarmUpServiceProbe
    {
        public static Task WarmUpAsync(SessionFactory factory) => Asherah.Hosting.AsherahWarmUpService.WarmUpAsync(factory, CancellationToken.None);
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Asherah.Tests.Api;

/// <summary>Bad configuration values, DI and builder misuse, the health probe and static KMS at their limits.</summary>
public class ConfigurationMisuseTests
{
    private static readonly string[] Keys =
    [
        "ExpireAfter", "CheckInterval", "EnableSessionCaching", "SessionCacheMaxSize", "SessionCacheDuration", "SystemKeyCacheMaxSize",
        "SystemKeyCacheEvictionPolicy", "IntermediateKeyCacheMaxSize", "IntermediateKeyCacheEvictionPolicy", "SharedIntermediateKeyCache",
        "SessionCacheEvictionPolicy", "BackgroundKeyRefresh", "RefreshAheadFraction", "MaxConcurrentKeyRefreshes", "AesGcmEngine", "Policy",
        "NotifyExpiredIntermediateKeyOnRead", "WarmUpOnStart", "SecureMemory:ChunkSize", "SecureMemory:StrictProtection",
        "MemoryPressure:Enabled", "MemoryPressure:CheckInterval", "MemoryPressure:RecoveryDelay", "MemoryPressure:MemoryLoadThreshold",
        "MemoryPressure:LockedMemoryThreshold", "MemoryPressure:MinimumCacheSize",
    ];

    [Theory]
    [InlineData("NaN")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("2147483648")]
    [InlineData("Infinity")]
    [InlineData("1e400")]
    [InlineData("10675199.02:48:05.4775807")]
    [InlineData("-10675199.02:48:05.4775808")]
    [InlineData("99999999999999999999h")]
    [InlineData("\0")]
    [InlineData(" ")]
    [InlineData("1ns")]
    [InlineData("-5m")]
    [InlineData("999999999")]
    public void EveryConfigurationKey_WithAnOutOfRangeOrGarbageValue_FailsOnlyWithOptionsValidation(string value)
    {
        foreach (var key in Keys)
        {
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Asherah:ProductId"] = "p",
                ["Asherah:ServiceId"] = "s",
                ["Asherah:Metastore"] = "memory",
                ["Asherah:Kms"] = "static",
                ["Asherah:StaticMasterKey"] = TestFactories.MasterKey,
                ["Asherah:" + key] = value,
            }).Build();
            try
            {
                var options = AsherahOptions.FromConfiguration(config);
                using var factory = SessionFactoryBuilder.FromOptions(options).Build();
                using var session = factory.GetSessionBytes("x");
                session.Decrypt(session.Encrypt([1]));
            }
            catch (OptionsValidationException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"{key}={value}: {e}");
            }
        }
    }

    [Fact]
    public async Task HealthProbe_WithATimeoutOfTimeSpanMaxValue_Probes()
    {
        using var factory = TestFactories.New();
        var report = await AsherahHealthProbe.ProbeAsync(factory, new AsherahHealthProbeOptions { Timeout = TimeSpan.MaxValue });
        Assert.NotNull(report);
    }

    [Fact]
    public async Task HealthProbe_WithACancelledToken_IsCancelled()
    {
        using var factory = TestFactories.New();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AsherahHealthProbe.ProbeAsync(factory, null, cts.Token));
    }

    [Fact]
    public async Task StaticKms_HonoursACancelledToken_AndRefusesUseAfterDispose()
    {
        using var kms = new StaticKeyManagementService(TestFactories.MasterKey);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        using var m = KeyMaterial.Create(new byte[32]);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => kms.EncryptKeyAsync(m, cts.Token).AsTask());
        var enc = await kms.EncryptKeyAsync(m);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => kms.DecryptKeyAsync(enc, KeyMaterialAllocator.Default, cts.Token).AsTask());
        kms.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => kms.EncryptKeyAsync(m).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => kms.DecryptKeyAsync(enc, KeyMaterialAllocator.Default).AsTask());
    }

    [Fact]
    public void AddAsherah_Misuse_ThrowsArgumentOrOptionsValidationExceptions()
    {
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddAsherah(o => { }));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddAsherah((Action<AsherahOptions>)null!));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddAsherah((IConfiguration)null!));
        var services = new ServiceCollection();
        services.AddAsherah(o => { o.ProductId = "p"; o.ServiceId = "s"; });
        using var provider = services.BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<SessionFactory>());
        var b = new ServiceCollection().AddAsherah(o => { });
        Assert.ThrowsAny<ArgumentException>(() => b.UseStaticKeyManagementService("short"));
        Assert.ThrowsAny<ArgumentException>(() => b.UseStaticKeyManagementService(null!));
        Assert.Throws<ArgumentNullException>(() => b.UseMetastore(null!));
    }

    [Fact]
    public void BuilderAndFactory_Misuse_ThrowTypedExceptions()
    {
        Assert.ThrowsAny<ArgumentException>(() => SessionFactory.NewBuilder(null!, "s"));
        Assert.ThrowsAny<ArgumentException>(() => SessionFactory.NewBuilder("p", ""));
        Assert.ThrowsAny<ArgumentException>(() => SessionFactory.NewBuilder("p", "\ud800"));
        var builder = SessionFactory.NewBuilder("p", "s");
        Assert.Throws<InvalidOperationException>(() => builder.Build());
        builder.WithInMemoryMetastore();
        Assert.Throws<InvalidOperationException>(() => builder.Build());
        builder.WithNeverExpiredCryptoPolicy();
        Assert.Throws<InvalidOperationException>(() => builder.Build());
        Assert.ThrowsAny<ArgumentException>(() => builder.WithStaticKeyManagementService(null!));
        Assert.ThrowsAny<ArgumentException>(() => builder.WithStaticKeyManagementService(""));
        builder.WithStaticKeyManagementService(TestFactories.MasterKey);
        using var a = builder.Build();
        using var b = builder.Build();
        Assert.NotSame(a, b);
        Assert.Throws<ArgumentNullException>(() => SessionFactoryBuilder.FromOptions(null!));
        Assert.Throws<ArgumentException>(() => a.GetSessionBytes(" "));
        Assert.Throws<ArgumentException>(() => a.GetSessionBytes("\udc00x"));
        Assert.Throws<ArgumentNullException>(() => a.GetSessionJson(null!));
    }
}

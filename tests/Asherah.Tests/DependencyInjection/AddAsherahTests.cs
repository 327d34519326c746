using Asherah.Instrumentation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Asherah.Tests.DependencyInjection;

public class AddAsherahTests
{
    [Fact]
    public void AddAsherah_RegistersAWorkingSingletonFactory()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddAsherah(o =>
            {
                o.ProductId = "product";
                o.ServiceId = "service";
            })
            .UseInMemoryMetastore()
            .UseStaticKeyManagementService("thisIsAStaticMasterKeyForTesting");
        using var provider = services.BuildServiceProvider();

        var factory = provider.GetRequiredService<SessionFactory>();
        Assert.Same(factory, provider.GetRequiredService<SessionFactory>());
        Assert.Equal("_SK_service_product", factory.SystemKeyId);
        using var session = factory.GetSessionBytes("tenant");
        Assert.Equal(new byte[] { 42 }, session.Decrypt(session.Encrypt(new byte[] { 42 })));
    }

    [Fact]
    public void AddAsherah_WithoutIds_FailsValidation()
    {
        var services = new ServiceCollection();
        services.AddAsherah(_ => { }).UseInMemoryMetastore().UseStaticKeyManagementService("thisIsAStaticMasterKeyForTesting");
        using var provider = services.BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<SessionFactory>());
    }

    [Fact]
    public void AddAsherah_WithoutMetastore_SaysWhatIsMissing()
    {
        var services = new ServiceCollection();
        services.AddAsherah(o => { o.ProductId = "p"; o.ServiceId = "s"; }).UseStaticKeyManagementService("thisIsAStaticMasterKeyForTesting");
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<SessionFactory>());
        Assert.Contains("Asherah:Metastore", e.Message);
        Assert.Contains("UseMetastore", e.Message);
    }

    [Fact]
    public void AddAsherah_HonoursTheEngineOption_ForTheFactoryAndItsStaticKms()
    {
        var services = new ServiceCollection();
        services.AddAsherah(o => { o.ProductId = "p"; o.ServiceId = "s"; o.AesGcmEngine = AesGcmEngineKind.Platform; })
            .UseInMemoryMetastore()
            .UseStaticKeyManagementService("thisIsAStaticMasterKeyForTesting");
        using var provider = services.BuildServiceProvider();

        var factory = provider.GetRequiredService<SessionFactory>();

        Assert.Equal(AesGcmEngineKind.Platform, factory.AesGcmEngine);
        var kms = Assert.IsType<StaticKeyManagementService>(factory.Context.Kms.Unwrap());
        Assert.Equal(AesGcmEngineKind.Platform, kms.MasterKey.Key.Engine.Kind);
    }

    [Fact]
    public void TheLastKmsChoice_Wins()
    {
        using var custom = new StaticKeyManagementService("AnotherStaticMasterKeyForTest!!!");
        var services = new ServiceCollection();
        services.AddAsherah(o => { o.ProductId = "p"; o.ServiceId = "s"; })
            .UseInMemoryMetastore()
            .UseStaticKeyManagementService("thisIsAStaticMasterKeyForTesting")
            .UseKeyManagementService(_ => custom);
        using var provider = services.BuildServiceProvider();

        Assert.Same(custom, provider.GetRequiredService<SessionFactory>().Context.Kms.Unwrap());
    }

    [Fact]
    public void UseStaticKeyManagementService_WithAKeyThatIsNot32Bytes_ThrowsAtOnce()
    {
        var builder = new ServiceCollection().AddAsherah(o => { o.ProductId = "p"; o.ServiceId = "s"; });
        Assert.Throws<ArgumentException>(() => builder.UseStaticKeyManagementService("short"));
    }
}

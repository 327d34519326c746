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

        var e = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<SessionFactory>());
        Assert.Contains("UseMetastore", e.Message);
    }
}

using Asherah.Instrumentation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Asherah.Tests.Hosting.HostingTestSupport;

namespace Asherah.Tests.Hosting;

public class AddAsherahFromConfigurationTests
{
    [Fact]
    public void AFactoryFromConfiguration_WithMemoryAndStatic_RoundTrips()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddAsherah(Configuration(Minimal()));
        using var provider = services.BuildServiceProvider();

        var factory = provider.GetRequiredService<SessionFactory>();

        Assert.Equal("_SK_service_product", factory.SystemKeyId);
        Assert.IsType<InMemoryMetastore>(factory.Context.Metastore.Unwrap());
        Assert.IsType<StaticKeyManagementService>(factory.Context.Kms.Unwrap());
        AssertRoundTrips(factory);
    }

    [Fact]
    public void TheNamedMetastore_IsAContainerSingleton_SharedWithTheFactory()
    {
        var services = new ServiceCollection();
        services.AddAsherah(Configuration(Minimal()));
        using var provider = services.BuildServiceProvider();

        Assert.Same(provider.GetRequiredService<IMetastore>(), provider.GetRequiredService<SessionFactory>().Context.Metastore.Unwrap());
    }

    [Fact]
    public void TheConfigureDelegate_WinsOverConfiguration()
    {
        var services = new ServiceCollection();
        services.AddAsherah(Configuration(Minimal(("Asherah:ExpireAfter", "48h"))), o =>
        {
            o.ProductId = "from-code";
            o.CheckInterval = TimeSpan.FromMinutes(5);
        });
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<AsherahOptions>>().Value;
        Assert.Equal("from-code", options.ProductId);
        Assert.Equal("service", options.ServiceId);
        Assert.Equal(TimeSpan.FromHours(48), options.ExpireAfter);
        Assert.Equal(TimeSpan.FromMinutes(5), options.CheckInterval);
        Assert.Equal("_SK_service_from-code", provider.GetRequiredService<SessionFactory>().SystemKeyId);
    }

    [Fact]
    public void LaterRegistrations_WinOverEarlierOnes()
    {
        var services = new ServiceCollection();
        services.AddAsherah(o => o.ProductId = "from-code-first");
        services.AddAsherah(Configuration(Minimal()));
        using var provider = services.BuildServiceProvider();

        Assert.Equal("product", provider.GetRequiredService<IOptions<AsherahOptions>>().Value.ProductId);
    }

    [Fact]
    public void ThePolicySettings_ReachTheFactorysPolicy_AndAPolicyInCodeWins()
    {
        var fromSettings = Build(Minimal(("Asherah:ExpireAfter", "48h"), ("Asherah:EnableSessionCaching", "true")));
        var policy = Assert.IsType<BasicExpiringCryptoPolicy>(fromSettings.Context.Policy);
        Assert.Equal(TimeSpan.FromHours(48), policy.KeyExpiration);
        Assert.True(policy.CacheSessions);

        var inCode = new NeverExpiredCryptoPolicy();
        var services = new ServiceCollection();
        services.AddAsherah(Configuration(Minimal(("Asherah:ExpireAfter", "48h"))), o => o.CryptoPolicy = inCode);
        using var provider = services.BuildServiceProvider();
        Assert.Same(inCode, provider.GetRequiredService<SessionFactory>().Context.Policy);
    }

    [Fact]
    public void UseMetastore_WinsOverTheNamedMetastore_AndMakesTheNameOptional()
    {
        var mine = new InMemoryMetastore();
        var services = new ServiceCollection();
        services.AddAsherah(Configuration(Minimal(("Asherah:Metastore", null))))
            .UseMetastore(_ => mine);
        using var provider = services.BuildServiceProvider();

        Assert.Same(mine, provider.GetRequiredService<SessionFactory>().Context.Metastore.Unwrap());
    }

    [Fact]
    public void UseKeyManagementService_WinsOverTheNamedKms_AndMakesTheKeyOptional()
    {
        using var mine = new StaticKeyManagementService("AnotherStaticMasterKeyForTest!!!");
        var services = new ServiceCollection();
        services.AddAsherah(Configuration(Minimal(("Asherah:StaticMasterKey", "short"))))
            .UseKeyManagementService(_ => mine);
        using var provider = services.BuildServiceProvider();

        Assert.Same(mine, provider.GetRequiredService<SessionFactory>().Context.Kms.Unwrap());
    }

    [Fact]
    public void AKeyFile_GivesTheSameMasterKeyAsTheKeyString()
    {
        using var file = new TempFile();
        File.WriteAllText(file.Path, MasterKey + "\n");
        var metastore = new InMemoryMetastore();
        byte[] record;
        using (var fromFile = BuildWith(metastore, ("Asherah:StaticMasterKey", null), ("Asherah:StaticMasterKeyFile", file.Path)))
        using (var session = fromFile.GetSessionBytes("tenant"))
        {
            record = session.Encrypt([7, 7, 7]);
        }

        using var fromString = BuildWith(metastore);
        using var again = fromString.GetSessionBytes("tenant");
        Assert.Equal(new byte[] { 7, 7, 7 }, again.Decrypt(record));
    }

    [Fact]
    public void AProviderAddedThroughConfigureProviders_IsChosenByName_WithTheOptionsAndServices()
    {
        AsherahProviderContext? seen = null;
        var made = new InMemoryMetastore();
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddAsherah(Configuration(Minimal(("Asherah:Metastore", "custom"), ("Asherah:ConnectionString", "custom://x"), ("Asherah:Extra", "adapter-setting"))))
            .ConfigureProviders(p => p.AddMetastore("CUSTOM", context =>
            {
                seen = context;
                return made;
            }));
        using var provider = services.BuildServiceProvider();

        Assert.Same(made, provider.GetRequiredService<SessionFactory>().Context.Metastore.Unwrap());
        Assert.NotNull(seen);
        Assert.Equal("custom://x", seen.Options.ConnectionString);
        Assert.Equal("adapter-setting", seen.Configuration?["Extra"]);
        Assert.NotNull(seen.Services.GetService(typeof(TimeProvider)));
    }

    [Fact]
    public void AProvidersValidation_SeesTheConfigurationAndServices_AndFailsValidateOnStart_BeforeCreating()
    {
        AsherahProviderContext? seen = null;
        bool created = false;
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddAsherah(Configuration(Minimal(("Asherah:Metastore", "custom"), ("Asherah:Extra", "unusable"))))
            .ConfigureProviders(p => p.AddMetastore(
                "custom",
                _ =>
                {
                    created = true;
                    return new InMemoryMetastore();
                },
                context =>
                {
                    seen = context;
                    return context.Configuration?["Extra"] == "unusable" ? "Asherah:Extra is unusable." : null;
                }));
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(["Asherah:Extra is unusable."], e.Failures);
        Assert.NotNull(seen);
        Assert.Equal("unusable", seen.Configuration?["Extra"]);
        Assert.NotNull(seen.Services.GetService(typeof(TimeProvider)));
        Assert.False(created);
    }

    [Fact]
    public void AProvidersValidation_OnThePlainPath_SeesTheConfiguration_AndFailsFromOptions()
    {
        var options = AsherahOptions.FromConfiguration(Configuration(Minimal(("Asherah:Metastore", "custom"), ("Asherah:Extra", "unusable"))));
        var providers = new AsherahProviders().AddMetastore(
            "custom",
            _ => new InMemoryMetastore(),
            context => context.Configuration?["Extra"] == "unusable" ? "Asherah:Extra is unusable." : null);

        var e = Assert.Throws<OptionsValidationException>(() => SessionFactoryBuilder.FromOptions(options, providers));

        Assert.Equal(["Asherah:Extra is unusable."], e.Failures);
    }

    [Fact]
    public void AKmsProvider_GetsTheFactorysAllocator_AndTheFactoryDisposesWhatItMade()
    {
        KeyMaterialAllocator? given = null;
        DisposableKms? made = null;
        var services = new ServiceCollection();
        services.AddAsherah(Configuration(Minimal(("Asherah:Kms", "mine"))))
            .ConfigureProviders(p => p.AddKeyManagementService("mine", (_, allocator) =>
            {
                given = allocator;
                return made = new DisposableKms(new StaticKeyManagementService(MasterKey, allocator));
            }));
        using (var provider = services.BuildServiceProvider())
        {
            var factory = provider.GetRequiredService<SessionFactory>();
            AssertRoundTrips(factory);
            Assert.Same(factory.Context.KeyAllocator, given);
            Assert.False(made!.Disposed);
        }

        Assert.True(made.Disposed);
    }

    private static SessionFactory Build((string, string?)[] settings)
    {
        var services = new ServiceCollection();
        services.AddAsherah(Configuration(settings));
        return services.BuildServiceProvider().GetRequiredService<SessionFactory>();
    }

    private static SessionFactory BuildWith(InMemoryMetastore metastore, params (string, string?)[] settings) =>
        SessionFactoryBuilder.FromOptions(AsherahOptions.FromConfiguration(Configuration(Minimal(settings))))
            .WithMetastore(metastore)
            .Build();

    internal sealed class DisposableKms(StaticKeyManagementService inner) : IKeyManagementService, IDisposable
    {
        public bool Disposed { get; private set; }

        public ValueTask<byte[]> EncryptKeyAsync(KeyMaterial key, CancellationToken cancellationToken = default) => inner.EncryptKeyAsync(key, cancellationToken);

        public ValueTask<KeyMaterial> DecryptKeyAsync(ReadOnlyMemory<byte> encryptedKey, KeyMaterialAllocator allocator, CancellationToken cancellationToken = default) =>
            inner.DecryptKeyAsync(encryptedKey, allocator, cancellationToken);

        public void Dispose()
        {
            inner.Dispose();
            Disposed = true;
        }
    }
}

using Asherah.Instrumentation;
using Microsoft.Extensions.Options;
using static Asherah.Tests.Hosting.HostingTestSupport;

namespace Asherah.Tests.Hosting;

/// <summary>The plain path, for console apps and the CLI: options, then <see cref="SessionFactoryBuilder.FromOptions"/>.</summary>
public class FromOptionsTests
{
    [Fact]
    public void FromOptions_FromConfiguration_BuildsAWorkingFactory()
    {
        var options = AsherahOptions.FromConfiguration(Configuration(Minimal(("Asherah:AesGcmEngine", "Platform"))));

        using var factory = SessionFactoryBuilder.FromOptions(options).Build();

        Assert.Equal(AesGcmEngineKind.Platform, factory.AesGcmEngine);
        var kms = Assert.IsType<StaticKeyManagementService>(factory.Context.Kms.Unwrap());
        Assert.Equal(AesGcmEngineKind.Platform, kms.MasterKey.Key.Engine.Kind);
        AssertRoundTrips(factory);
    }

    [Fact]
    public void FromOptions_SetInCode_BuildsAWorkingFactory()
    {
        var options = new AsherahOptions { ProductId = "p", ServiceId = "s", Metastore = "Memory", Kms = "STATIC", StaticMasterKey = MasterKey };

        using var factory = SessionFactoryBuilder.FromOptions(options).Build();

        AssertRoundTrips(factory);
    }

    [Fact]
    public void FromOptions_WithInvalidOptions_ThrowsOptionsValidationException()
    {
        var options = new AsherahOptions { Metastore = "nowhere", Kms = "static", StaticMasterKey = "short" };

        var e = Assert.Throws<OptionsValidationException>(() => SessionFactoryBuilder.FromOptions(options));

        Assert.Equal(4, e.Failures.Count());
    }

    [Fact]
    public void FromOptions_WithoutAMetastoreName_LetsCodeGiveOne_AndBuildSaysWhenNoneIsGiven()
    {
        var options = new AsherahOptions { ProductId = "p", ServiceId = "s", Kms = "static", StaticMasterKey = MasterKey };

        var e = Assert.Throws<InvalidOperationException>(() => SessionFactoryBuilder.FromOptions(options).Build());
        Assert.Contains("WithMetastore", e.Message);

        var mine = new InMemoryMetastore();
        using var factory = SessionFactoryBuilder.FromOptions(options).WithMetastore(mine).Build();
        Assert.Same(mine, factory.Context.Metastore.Unwrap());
    }

    [Fact]
    public void FromOptions_WithProviders_UsesTheNamedOnes_AndTheFactoryDisposesWhatTheyMade()
    {
        var made = new DisposableMetastore();
        var providers = new AsherahProviders().AddMetastore("mine", _ => made);
        var options = AsherahOptions.FromConfiguration(Configuration(Minimal(("Asherah:Metastore", "mine"))));

        var factory = SessionFactoryBuilder.FromOptions(options, providers).Build();
        AssertRoundTrips(factory);
        Assert.False(made.Disposed);
        factory.Dispose();

        Assert.True(made.Disposed);
    }

    [Fact]
    public void FromOptions_DoesNotDisposeAMetastoreGivenInCode()
    {
        var mine = new DisposableMetastore();
        var options = AsherahOptions.FromConfiguration(Configuration(Minimal()));

        SessionFactoryBuilder.FromOptions(options).WithMetastore(mine).Build().Dispose();

        Assert.False(mine.Disposed);
    }

    [Fact]
    public void CreateMetastore_MakesTheNamedMetastore_OrSaysWhatIsMissing()
    {
        var providers = new AsherahProviders();

        Assert.IsType<InMemoryMetastore>(providers.CreateMetastore(new AsherahOptions { Metastore = "memory" }));
        var e = Assert.Throws<InvalidOperationException>(() => providers.CreateMetastore(new AsherahOptions()));
        Assert.Contains("ASHERAH_METASTORE", e.Message);
        Assert.Equal(["memory"], providers.MetastoreNames);
        Assert.Equal(["static"], providers.KeyManagementServiceNames);
    }

    private sealed class DisposableMetastore : IMetastore, IDisposable
    {
        private readonly InMemoryMetastore _inner = new();

        public bool Disposed { get; private set; }

        public string? KeySuffix => null;

        public ValueTask<EnvelopeKeyRecord?> LoadAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default) => _inner.LoadAsync(keyId, created, cancellationToken);

        public ValueTask<EnvelopeKeyRecord?> LoadLatestAsync(string keyId, CancellationToken cancellationToken = default) => _inner.LoadLatestAsync(keyId, cancellationToken);

        public ValueTask<bool> StoreAsync(string keyId, DateTimeOffset created, EnvelopeKeyRecord record, CancellationToken cancellationToken = default) => _inner.StoreAsync(keyId, created, record, cancellationToken);

        public void Dispose() => Disposed = true;
    }
}

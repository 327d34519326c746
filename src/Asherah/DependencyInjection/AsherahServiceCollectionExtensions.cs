using System.Diagnostics.Metrics;
using Asherah.Crypto;
using Asherah;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Asherah in a service collection.</summary>
/// <example>
/// <code>
/// services.AddAsherah(o => { o.ProductId = "billing"; o.ServiceId = "invoices"; })
///         .UseMetastore(sp => new SqlMetastore(dataSource, SqlDialect.Sqlite))
///         .UseKeyManagementService(sp => new StaticKeyManagementService(devKey));
/// // then inject SessionFactory and call GetSessionBytes(tenantId)
/// </code>
/// </example>
public static class AsherahServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="SessionFactory"/> built from <see cref="AsherahOptions"/>, the registered
    /// <see cref="IMetastore"/> and <see cref="IKeyManagementService"/>, and the container's <see cref="ILoggerFactory"/>,
    /// <see cref="TimeProvider"/> and <see cref="IMeterFactory"/> when present.
    /// </summary>
    public static IAsherahBuilder AddAsherah(this IServiceCollection services, Action<AsherahOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<AsherahOptions>()
            .Configure(configure)
            .Validate(o => !string.IsNullOrEmpty(o.ProductId) && !string.IsNullOrEmpty(o.ServiceId), "AsherahOptions.ProductId and ServiceId are required.");
        services.TryAddSingleton(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<AsherahOptions>>().Value;
            var builder = SessionFactory.NewBuilder(options.ProductId, options.ServiceId)
                .WithMetastore(sp.GetService<IMetastore>() ?? throw new InvalidOperationException("Register a metastore: call UseMetastore or UseInMemoryMetastore on the Asherah builder."))
                .WithCryptoPolicy(options.CryptoPolicy)
                .WithAesGcmEngine(options.AesGcmEngine)
                .WithSecureMemory(options.SecureMemory)
                .WithTimeProvider(sp.GetService<TimeProvider>() ?? TimeProvider.System);
            if (sp.GetService<StaticMasterKey>() is { } staticKey)
            {
                builder.WithStaticKeyManagementService(staticKey.Value);
            }
            else
            {
                builder.WithKeyManagementService(sp.GetService<IKeyManagementService>() ?? throw new InvalidOperationException("Register a key management service: call UseKeyManagementService or UseStaticKeyManagementService on the Asherah builder."));
            }

            if (sp.GetService<ILoggerFactory>() is { } loggerFactory)
            {
                builder.WithLoggerFactory(loggerFactory);
            }

            if (sp.GetService<IMeterFactory>() is { } meterFactory)
            {
                builder.WithMeterFactory(meterFactory);
            }

            return builder.Build();
        });
        return new AsherahBuilder(services);
    }

    /// <summary>Uses the metastore <paramref name="factory"/> creates (a singleton).</summary>
    public static IAsherahBuilder UseMetastore(this IAsherahBuilder builder, Func<IServiceProvider, IMetastore> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton(factory));
        return builder;
    }

    /// <summary>Uses an <see cref="InMemoryMetastore"/> (tests and samples only).</summary>
    public static IAsherahBuilder UseInMemoryMetastore(this IAsherahBuilder builder) =>
        builder.UseMetastore(static _ => new InMemoryMetastore());

    /// <summary>Uses the key management service <paramref name="factory"/> creates (a singleton, disposed by the container).</summary>
    public static IAsherahBuilder UseKeyManagementService(this IAsherahBuilder builder, Func<IServiceProvider, IKeyManagementService> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.RemoveAll<StaticMasterKey>();
        builder.Services.Replace(ServiceDescriptor.Singleton(factory));
        return builder;
    }

    /// <summary>
    /// Uses a <see cref="StaticKeyManagementService"/> over a 32-byte master key (development and tests only), created by
    /// the factory on its own AES-GCM engine and secure memory and disposed with it.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="masterKey"/> is not exactly 32 bytes in UTF-8.</exception>
    public static IAsherahBuilder UseStaticKeyManagementService(this IAsherahBuilder builder, string masterKey)
    {
        ArgumentNullException.ThrowIfNull(builder);
        StaticKeyManagementService.Validate(masterKey, nameof(masterKey));
        builder.Services.RemoveAll<IKeyManagementService>();
        builder.Services.Replace(ServiceDescriptor.Singleton(new StaticMasterKey(masterKey)));
        return builder;
    }

    /// <summary>The static master key chosen with <see cref="UseStaticKeyManagementService"/>.</summary>
    private sealed record StaticMasterKey(string Value);

    private sealed class AsherahBuilder(IServiceCollection services) : IAsherahBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}

using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Asherah.Hosting;

/// <summary>
/// The one path from <see cref="AsherahOptions"/> to a <see cref="SessionFactoryBuilder"/>, taken by
/// <c>AddAsherah</c> and by <see cref="SessionFactoryBuilder.FromOptions"/> alike.
/// </summary>
internal static class AsherahComposition
{
    /// <summary>The plain path: validate, then configure with no services.</summary>
    public static SessionFactoryBuilder FromOptions(AsherahOptions options, AsherahProviders providers)
    {
        ArgumentNullException.ThrowIfNull(options);
        AsherahOptionsValidator.ThrowIfInvalid(
            new AsherahProviderContext(options, AsherahProviders.NoServices.Instance), providers, metastoreInCode: false, kmsInCode: false, requireNames: false);
        return Configure(options, providers, AsherahProviders.NoServices.Instance);
    }

    /// <summary>
    /// Ids, policy, engine, secure memory; the named metastore and KMS as parts the factory makes and owns; the clock,
    /// logger factory and meter factory of <paramref name="services"/> when it has them. Callers may then give parts in
    /// code, which win over the names.
    /// </summary>
    public static SessionFactoryBuilder Configure(AsherahOptions options, AsherahProviders providers, IServiceProvider services)
    {
        var context = new AsherahProviderContext(options, services);
        var builder = SessionFactory.NewBuilder(options.ProductId, options.ServiceId)
            .WithCryptoPolicy(options.ResolvePolicy())
            .WithAesGcmEngine(options.AesGcmEngine)
            .WithSecureMemory(options.SecureMemory)
            .WithTimeProvider(services.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System);
        if (!string.IsNullOrEmpty(options.Metastore))
        {
            builder.WithOwnedMetastore(() => providers.CreateMetastore(context));
        }

        if (!string.IsNullOrEmpty(options.Kms))
        {
            builder.WithOwnedKeyManagementService((engine, allocator) => providers.CreateKeyManagementService(context, engine, allocator));
        }

        if (services.GetService(typeof(ILoggerFactory)) is ILoggerFactory loggerFactory)
        {
            builder.WithLoggerFactory(loggerFactory);
        }

        if (services.GetService(typeof(IMeterFactory)) is IMeterFactory meterFactory)
        {
            builder.WithMeterFactory(meterFactory);
        }

        return builder;
    }
}

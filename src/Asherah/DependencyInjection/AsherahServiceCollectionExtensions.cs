using Asherah;
using Asherah.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Asherah in a service collection.</summary>
/// <remarks>
/// <para>
/// Options come from configuration (<see cref="AddAsherah(IServiceCollection, IConfiguration)"/>), from code
/// (<see cref="AddAsherah(IServiceCollection, Action{AsherahOptions})"/>), or both; later registrations win, and the
/// configure delegate of <see cref="AddAsherah(IServiceCollection, IConfiguration, Action{AsherahOptions})"/> runs after
/// the binding, so code wins over configuration. They are validated when the host starts (<c>ValidateOnStart</c>), or
/// without a host when the <see cref="SessionFactory"/> is first resolved, with an
/// <see cref="OptionsValidationException"/> that names each key to fix.
/// </para>
/// <para>
/// The metastore and key management service are the ones the options name (<c>memory</c> and <c>static</c> are built
/// in; adapter packages add names through <see cref="ConfigureProviders"/>), unless given in code with
/// <see cref="UseMetastore"/>, <see cref="UseKeyManagementService"/> or <see cref="UseStaticKeyManagementService"/>,
/// which win. A named metastore is a container singleton (inject <see cref="IMetastore"/>, disposed by the container);
/// a named KMS is made by and disposed with the factory.
/// </para>
/// <para>
/// Under the generic host, a hosted service loads the system key when the host starts
/// (<see cref="AsherahOptions.WarmUpOnStart"/>, on by default), and the static KMS, the in-memory metastore and the
/// never-expiring policy are refused when the host environment is Production
/// (<see cref="AsherahOptions.AllowDevelopmentComponentsInProduction"/>).
/// </para>
/// </remarks>
/// <example>
/// <code>
/// // appsettings.json: { "Asherah": { "ProductId": "billing", "ServiceId": "invoices", "Metastore": "sqlite",
/// //                                 "ConnectionString": "/var/lib/billing/keys.db", "Kms": "aws" } }
/// builder.Configuration.AddAsherahEnvironmentVariables();          // ASHERAH_PRODUCT_NAME, ... override the file
/// builder.Services.AddAsherah(builder.Configuration)
///                 .AddSqliteMetastore();                            // from Asherah.Metastore.Sql
/// // then inject SessionFactory and call GetSessionBytes(tenantId)
/// </code>
/// </example>
public static class AsherahServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="SessionFactory"/> built from <see cref="AsherahOptions"/> set by
    /// <paramref name="configure"/>, with the container's <c>ILoggerFactory</c>, <see cref="TimeProvider"/> and
    /// <c>IMeterFactory</c> when present.
    /// </summary>
    public static IAsherahBuilder AddAsherah(this IServiceCollection services, Action<AsherahOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = AddCore(services);
        services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Registers a singleton <see cref="SessionFactory"/> built from <see cref="AsherahOptions"/> bound from
    /// <paramref name="configuration"/>: its <c>Asherah</c> section when it is a root (such as
    /// <c>builder.Configuration</c>), or <paramref name="configuration"/> itself when it is a section.
    /// </summary>
    /// <remarks>
    /// Binding is by hand (trim- and AOT-safe) and reads durations in Go form (<c>2160h</c>) or as a
    /// <see cref="TimeSpan"/>. <c>ASHERAH_*</c> variables are read when the application adds them to its configuration
    /// (<c>AddAsherahEnvironmentVariables</c>). Values are read once: the factory is a singleton and does not follow
    /// configuration reloads.
    /// </remarks>
    public static IAsherahBuilder AddAsherah(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = AddCore(services);
        var section = AsherahOptionsBinder.SectionOf(configuration);
        services.Configure<AsherahOptions>(o => AsherahOptionsBinder.Bind(section, o));
        return builder;
    }

    /// <summary>
    /// Registers a singleton <see cref="SessionFactory"/> from <paramref name="configuration"/> (as
    /// <see cref="AddAsherah(IServiceCollection, IConfiguration)"/>), then <paramref name="configure"/>, which wins.
    /// </summary>
    public static IAsherahBuilder AddAsherah(this IServiceCollection services, IConfiguration configuration, Action<AsherahOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddAsherah(configuration);
        services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Adds names that <see cref="AsherahOptions.Metastore"/> and <see cref="AsherahOptions.Kms"/> can choose; adapter
    /// packages call this from their own extension methods (such as <c>AddSqliteMetastore()</c>).
    /// </summary>
    public static IAsherahBuilder ConfigureProviders(this IAsherahBuilder builder, Action<AsherahProviders> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        configure(StateOf(builder.Services).Providers);
        return builder;
    }

    /// <summary>Uses the metastore <paramref name="factory"/> creates (a singleton), whatever <see cref="AsherahOptions.Metastore"/> names.</summary>
    public static IAsherahBuilder UseMetastore(this IAsherahBuilder builder, Func<IServiceProvider, IMetastore> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        StateOf(builder.Services).MetastoreInCode = true;
        builder.Services.Replace(ServiceDescriptor.Singleton(factory));
        return builder;
    }

    /// <summary>Uses an <see cref="InMemoryMetastore"/> (tests and samples only).</summary>
    public static IAsherahBuilder UseInMemoryMetastore(this IAsherahBuilder builder) =>
        builder.UseMetastore(static _ => new InMemoryMetastore());

    /// <summary>
    /// Uses the key management service <paramref name="factory"/> creates (a singleton, disposed by the container),
    /// whatever <see cref="AsherahOptions.Kms"/> names.
    /// </summary>
    public static IAsherahBuilder UseKeyManagementService(this IAsherahBuilder builder, Func<IServiceProvider, IKeyManagementService> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        StateOf(builder.Services).KmsInCode = true;
        builder.Services.RemoveAll<StaticMasterKey>();
        builder.Services.Replace(ServiceDescriptor.Singleton(factory));
        return builder;
    }

    /// <summary>
    /// Uses a <see cref="StaticKeyManagementService"/> over a 32-byte master key (development and tests only), created by
    /// the factory on its own AES-GCM engine and secure memory and disposed with it, whatever
    /// <see cref="AsherahOptions.Kms"/> names.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="masterKey"/> is not exactly 32 bytes in UTF-8.</exception>
    public static IAsherahBuilder UseStaticKeyManagementService(this IAsherahBuilder builder, string masterKey)
    {
        ArgumentNullException.ThrowIfNull(builder);
        StaticKeyManagementService.Validate(masterKey, nameof(masterKey));
        StateOf(builder.Services).KmsInCode = true;
        builder.Services.RemoveAll<IKeyManagementService>();
        builder.Services.Replace(ServiceDescriptor.Singleton(new StaticMasterKey(masterKey)));
        return builder;
    }

    private static AsherahBuilder AddCore(IServiceCollection services)
    {
        if (FindState(services) is null)
        {
            var state = new Registrations();
            services.AddSingleton(state);
            services.AddOptions<AsherahOptions>().ValidateOnStart();
            services.AddSingleton<IValidateOptions<AsherahOptions>>(sp =>
                new AsherahOptionsValidator(state.Providers, () => state.MetastoreInCode, () => state.KmsInCode, sp));
            services.TryAddSingleton(sp => state.Providers.CreateMetastore(
                new AsherahProviderContext(sp.GetRequiredService<IOptions<AsherahOptions>>().Value, sp)));
            services.TryAddSingleton(sp => CreateFactory(sp, state));
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AsherahWarmUpService>(static sp => new AsherahWarmUpService(sp)));
        }

        return new AsherahBuilder(services);
    }

    private static SessionFactory CreateFactory(IServiceProvider services, Registrations state)
    {
        var options = services.GetRequiredService<IOptions<AsherahOptions>>().Value;
        var metastore = services.GetRequiredService<IMetastore>();
        var builder = AsherahComposition.Configure(options, state.Providers, services)
            .WithMetastore(metastore);
        bool staticKms = false;
        if (services.GetService<StaticMasterKey>() is { } staticKey)
        {
            builder.WithStaticKeyManagementService(staticKey.Value);
            staticKms = true;
        }
        else if (state.KmsInCode)
        {
            var kms = services.GetRequiredService<IKeyManagementService>();
            builder.WithKeyManagementService(kms);
            staticKms = kms is StaticKeyManagementService;
        }
        else
        {
            staticKms = string.Equals(options.Kms, AsherahProviders.Static, StringComparison.OrdinalIgnoreCase);
        }

        // The validator saw the names; here the instances given in code are checked too.
        var refused = ProductionGuard.Failures(options, services, metastore is InMemoryMetastore, staticKms);
        if (refused.Count > 0)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(AsherahOptions), refused);
        }

        return builder.Build();
    }

    private static Registrations? FindState(IServiceCollection services) =>
        services.LastOrDefault(d => !d.IsKeyedService && d.ServiceType == typeof(Registrations))?.ImplementationInstance as Registrations;

    private static Registrations StateOf(IServiceCollection services) =>
        FindState(services) ?? throw new InvalidOperationException("Call AddAsherah before configuring its builder.");

    /// <summary>What the builder's methods chose, shared by every <c>AddAsherah</c> call on one service collection.</summary>
    private sealed class Registrations
    {
        public AsherahProviders Providers { get; } = new();

        public bool MetastoreInCode { get; set; }

        public bool KmsInCode { get; set; }
    }

    /// <summary>The static master key chosen with <see cref="UseStaticKeyManagementService"/>.</summary>
    private sealed record StaticMasterKey(string Value)
    {
        // A record prints its members; this one must not.
        public override string ToString() => nameof(StaticMasterKey);
    }

    private sealed class AsherahBuilder(IServiceCollection services) : IAsherahBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}

using Asherah.Crypto;
using Asherah.Hosting;

namespace Asherah;

/// <summary>
/// The metastores and key management services that <see cref="AsherahOptions.Metastore"/> and
/// <see cref="AsherahOptions.Kms"/> can name, with the built-in <c>memory</c> metastore and <c>static</c> KMS.
/// </summary>
/// <remarks>
/// <para>
/// Adapter packages add theirs with an extension method the application calls (the core cannot find them on its own):
/// under dependency injection on the builder (<c>services.AddAsherah(configuration).AddSqliteMetastore()</c>), on the
/// plain path on an instance of this class (<c>new AsherahProviders().AddSqliteMetastore()</c>). Names are
/// case-insensitive; adding a name again replaces it.
/// </para>
/// <para>
/// A part a provider creates belongs to whoever asked for it: the container under dependency injection, the
/// <see cref="SessionFactory"/> on the plain path (disposed with it when it is <see cref="IDisposable"/>), the caller of
/// <see cref="CreateMetastore(AsherahOptions, IServiceProvider?)"/>.
/// </para>
/// </remarks>
public sealed class AsherahProviders
{
    /// <summary>The name of the built-in in-memory metastore: <c>memory</c>.</summary>
    public const string Memory = "memory";

    /// <summary>The name of the built-in static key management service: <c>static</c>.</summary>
    public const string Static = "static";

    private readonly Dictionary<string, MetastoreEntry> _metastores = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, KmsEntry> _kms = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the set with <c>memory</c> and <c>static</c>.</summary>
    public AsherahProviders()
    {
        _metastores[Memory] = new(static _ => new InMemoryMetastore(), null);
        _kms[Static] = new(StaticMasterKeys.Create, static context => StaticMasterKeys.Validate(context.Options));
    }

    /// <summary>The metastore names that can be chosen, sorted.</summary>
    public IReadOnlyList<string> MetastoreNames => [.. _metastores.Keys.Order(StringComparer.OrdinalIgnoreCase)];

    /// <summary>The key management service names that can be chosen, sorted.</summary>
    public IReadOnlyList<string> KeyManagementServiceNames => [.. _kms.Keys.Order(StringComparer.OrdinalIgnoreCase)];

    /// <summary>Lets <see cref="AsherahOptions.Metastore"/> name the metastore <paramref name="create"/> makes.</summary>
    /// <param name="name">The name (case-insensitive), such as <c>sqlite</c>.</param>
    /// <param name="create">Makes the metastore from the options (<see cref="AsherahOptions.ConnectionString"/>) and services.</param>
    /// <param name="validate">
    /// Checks the settings when this metastore is chosen, at start (<c>ValidateOnStart</c> under dependency injection,
    /// <see cref="SessionFactoryBuilder.FromOptions"/> on the plain path), before anything is created: returns a message
    /// saying what to fix, or <see langword="null"/> when they are fine. It is given the same context as
    /// <paramref name="create"/>, so it can read the adapter's own keys from <see cref="AsherahProviderContext.Configuration"/>;
    /// it must not create the part or do I/O. Optional.
    /// </param>
    public AsherahProviders AddMetastore(string name, Func<AsherahProviderContext, IMetastore> create, Func<AsherahProviderContext, string?>? validate = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(create);
        _metastores[name] = new(create, validate);
        return this;
    }

    /// <summary>Lets <see cref="AsherahOptions.Kms"/> name the key management service <paramref name="create"/> makes.</summary>
    /// <param name="name">The name (case-insensitive), such as <c>aws</c>.</param>
    /// <param name="create">
    /// Makes the service when the factory is built, given the factory's <see cref="KeyMaterialAllocator"/> (the secure
    /// memory to hold key material the service keeps); the factory disposes it when it is <see cref="IDisposable"/>.
    /// </param>
    /// <param name="validate">Checks the options when this service is chosen, at start; see <see cref="AddMetastore"/>.</param>
    public AsherahProviders AddKeyManagementService(
        string name,
        Func<AsherahProviderContext, KeyMaterialAllocator, IKeyManagementService> create,
        Func<AsherahProviderContext, string?>? validate = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(create);
        _kms[name] = new((context, _, allocator) => create(context, allocator), validate);
        return this;
    }

    /// <summary>Creates the metastore <see cref="AsherahOptions.Metastore"/> names (for tools that read keys without a factory); the caller owns it.</summary>
    /// <exception cref="InvalidOperationException">No metastore is named, or the name is not registered.</exception>
    public IMetastore CreateMetastore(AsherahOptions options, IServiceProvider? services = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return CreateMetastore(new AsherahProviderContext(options, services ?? NoServices.Instance));
    }

    internal bool HasMetastore(string name) => _metastores.ContainsKey(name);

    internal bool HasKeyManagementService(string name) => _kms.ContainsKey(name);

    internal string? ValidateMetastore(string name, AsherahProviderContext context) =>
        _metastores.TryGetValue(name, out var entry) ? entry.Validate?.Invoke(context) : null;

    internal string? ValidateKeyManagementService(string name, AsherahProviderContext context) =>
        _kms.TryGetValue(name, out var entry) ? entry.Validate?.Invoke(context) : null;

    internal IMetastore CreateMetastore(AsherahProviderContext context)
    {
        var name = context.Options.Metastore;
        if (string.IsNullOrEmpty(name))
        {
            throw new InvalidOperationException($"No metastore is named: set {AsherahOptionsBinder.Describe("Asherah:Metastore")} to one of {string.Join(", ", MetastoreNames)}.");
        }

        if (!_metastores.TryGetValue(name, out var entry))
        {
            throw new InvalidOperationException(AsherahOptionsValidator.UnknownMetastore(name, this));
        }

        return entry.Create(context) ?? throw new InvalidOperationException($"The metastore provider '{name}' returned null.");
    }

    /// <summary>The KMS the named provider makes on the factory's engine and secure memory.</summary>
    internal IKeyManagementService CreateKeyManagementService(AsherahProviderContext context, AesGcmEngine engine, KeyMaterialAllocator allocator)
    {
        var name = context.Options.Kms ?? string.Empty;
        if (!_kms.TryGetValue(name, out var entry))
        {
            throw new InvalidOperationException(AsherahOptionsValidator.UnknownKms(name, this));
        }

        return entry.Create(context, engine, allocator) ?? throw new InvalidOperationException($"The key management service provider '{name}' returned null.");
    }

    private sealed record MetastoreEntry(Func<AsherahProviderContext, IMetastore> Create, Func<AsherahProviderContext, string?>? Validate);

    private sealed record KmsEntry(Func<AsherahProviderContext, AesGcmEngine, KeyMaterialAllocator, IKeyManagementService> Create, Func<AsherahProviderContext, string?>? Validate);

    /// <summary>The services of the plain path: none.</summary>
    internal sealed class NoServices : IServiceProvider
    {
        public static readonly NoServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}

using Microsoft.Extensions.Configuration;

namespace Asherah;

/// <summary>What a named metastore or key management service provider is given to create its part.</summary>
/// <seealso cref="AsherahProviders"/>
public sealed class AsherahProviderContext
{
    internal AsherahProviderContext(AsherahOptions options, IServiceProvider services)
    {
        Options = options;
        Services = services;
    }

    /// <summary>The options being applied (<see cref="AsherahOptions.ConnectionString"/> and so on).</summary>
    public AsherahOptions Options { get; }

    /// <summary>
    /// The application's services (loggers, clients) under dependency injection; on the plain path
    /// (<see cref="SessionFactoryBuilder.FromOptions"/>) a provider that has none.
    /// </summary>
    public IServiceProvider Services { get; }

    /// <summary>
    /// The configuration section the options were bound from, where an adapter reads settings of its own (for example
    /// <c>Asherah:RegionMap</c>); <see langword="null"/> when the options were set only in code.
    /// </summary>
    public IConfiguration? Configuration => Options.Configuration;
}

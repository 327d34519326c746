using Microsoft.Extensions.DependencyInjection;

namespace Asherah;

/// <summary>Configures the metastore and key management service of the registered <see cref="SessionFactory"/>.</summary>
public interface IAsherahBuilder
{
    /// <summary>The service collection being configured.</summary>
    IServiceCollection Services { get; }
}

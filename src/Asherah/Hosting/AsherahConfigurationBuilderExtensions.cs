using Asherah;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds the <c>ASHERAH_*</c> environment variables to a configuration.</summary>
public static class AsherahConfigurationBuilderExtensions
{
    /// <summary>
    /// Adds the process's <c>ASHERAH_*</c> environment variables (canonical server names such as
    /// <c>ASHERAH_PRODUCT_NAME</c> and the CLI's short names such as <c>ASHERAH_PRODUCT</c>) as a configuration source that
    /// sets keys of the <c>Asherah</c> section; <see cref="AsherahEnvironmentVariables"/> lists them.
    /// </summary>
    /// <remarks>
    /// Like every configuration source, it overrides the sources added before it and is overridden by those added after:
    /// add it last for the ASP.NET Core convention (the environment wins over <c>appsettings.json</c>). Variables are read
    /// once, when the configuration is built.
    /// </remarks>
    /// <exception cref="InvalidOperationException">When the configuration is built: two names of one setting hold different values.</exception>
    public static IConfigurationBuilder AddAsherahEnvironmentVariables(this IConfigurationBuilder builder) =>
        builder.AddAsherahEnvironmentVariables(Environment.GetEnvironmentVariable);

    /// <summary>
    /// Adds the <c>ASHERAH_*</c> variables as <paramref name="getVariable"/> returns them (a test's dictionary, or a
    /// command line tool's own view of its environment).
    /// </summary>
    /// <inheritdoc cref="AddAsherahEnvironmentVariables(IConfigurationBuilder)" path="/remarks"/>
    /// <exception cref="InvalidOperationException">When the configuration is built: two names of one setting hold different values.</exception>
    public static IConfigurationBuilder AddAsherahEnvironmentVariables(this IConfigurationBuilder builder, Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(getVariable);
        return builder.Add(new Source(getVariable));
    }

    private sealed class Source(Func<string, string?> getVariable) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(getVariable);
    }

    private sealed class Provider(Func<string, string?> getVariable) : ConfigurationProvider
    {
        public override void Load() => Data = AsherahEnvironmentVariables.Read(getVariable);
    }
}

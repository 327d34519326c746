using System.Diagnostics.Metrics;
using Asherah.Kms.Aws.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Asherah.Kms.Aws;

/// <summary>
/// The <c>aws</c> key management service provider: an <see cref="AwsKeyManagementService"/> made from configuration
/// (<see cref="AwsKmsOptions"/> lists the keys) and, optionally, code.
/// </summary>
/// <remarks>
/// The service is made when the <see cref="SessionFactory"/> is built, on the factory's secure memory, with the
/// container's <c>ILogger</c> and <c>IMeterFactory</c> when there are any, and is disposed with the factory. Clients
/// come from <see cref="AwsKmsOptions.ClientFactory"/>, by default from the standard AWS SDK chain (credentials,
/// <c>AWS_ENDPOINT_URL_KMS</c>, shared config). Missing or bad settings (no region map, a malformed one, a preferred
/// region that is not in it) are reported at start, before anything is created: by <c>ValidateOnStart</c> under
/// dependency injection, by <see cref="SessionFactoryBuilder.FromOptions"/> on the plain path.
/// </remarks>
public static class AwsKms
{
    /// <summary>The provider name: <c>aws</c>.</summary>
    public const string Name = "aws";

    /// <summary>
    /// Lets <see cref="AsherahOptions.Kms"/> (<c>Asherah:Kms</c>, <c>ASHERAH_KMS_MODE</c>) choose <c>aws</c>;
    /// <paramref name="configure"/>, when given, runs after the configuration is read, so code wins.
    /// </summary>
    /// <remarks>
    /// <paramref name="configure"/> runs on fresh options each time they are read: once to validate them at start, once
    /// when the service is made. It should only set options.
    /// </remarks>
    public static AsherahProviders AddAwsKms(this AsherahProviders providers, Action<AwsKmsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        return providers.AddKeyManagementService(
            Name,
            (context, allocator) => Create(context, allocator, configure),
            context => Validate(context, configure));
    }

    /// <summary>
    /// Reads the options from <paramref name="configuration"/>: its <c>Asherah</c> section when it is a root, or
    /// <paramref name="configuration"/> itself when it is a section.
    /// </summary>
    /// <exception cref="OptionsValidationException">A value cannot be read; the message names the key.</exception>
    public static AwsKmsOptions ReadOptions(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration is IConfigurationSection ? configuration : configuration.GetSection(AsherahOptions.SectionName);
        var options = new AwsKmsOptions();
        var errors = AwsKmsConfiguration.Bind(section, options);
        return errors.Count == 0 ? options : throw new OptionsValidationException(Name, typeof(AwsKmsOptions), errors);
    }

    /// <summary>What is wrong with the settings the provider would use, or <see langword="null"/>; creates nothing.</summary>
    private static string? Validate(AsherahProviderContext context, Action<AwsKmsOptions>? configure)
    {
        try
        {
            _ = Options(context, configure);
            return null;
        }
        catch (OptionsValidationException e)
        {
            return string.Join("; ", e.Failures);
        }
    }

    /// <summary>The options from configuration, then code, checked.</summary>
    /// <exception cref="OptionsValidationException">A value cannot be read, or the options are not usable.</exception>
    private static AwsKmsOptions Options(AsherahProviderContext context, Action<AwsKmsOptions>? configure)
    {
        const string Prefix = "The aws key management service: ";
        AwsKmsOptions options;
        try
        {
            options = context.Configuration is { } configuration ? ReadOptions(configuration) : new AwsKmsOptions();
        }
        catch (OptionsValidationException e)
        {
            throw new OptionsValidationException(Name, typeof(AwsKmsOptions), [.. e.Failures.Select(f => Prefix + f)]);
        }

        configure?.Invoke(options);
        if (options.Validate() is { } problem)
        {
            throw new OptionsValidationException(Name, typeof(AwsKmsOptions), [Prefix + problem]);
        }

        return options;
    }

    private static AwsKeyManagementService Create(AsherahProviderContext context, KeyMaterialAllocator allocator, Action<AwsKmsOptions>? configure)
    {
        var options = Options(context, configure);
        var logger = context.Services.GetService(typeof(ILogger<AwsKeyManagementService>)) as ILogger;
        var meters = context.Services.GetService(typeof(IMeterFactory)) as IMeterFactory;
        return new AwsKeyManagementService(options, allocator, logger, meters);
    }
}

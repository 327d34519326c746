using Asherah;
using Asherah.Kms.Aws;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the multi-region AWS KMS to <c>AddAsherah</c>.</summary>
public static class AwsKmsAsherahBuilderExtensions
{
    /// <summary>
    /// Lets <see cref="AsherahOptions.Kms"/> (<c>Asherah:Kms</c>, <c>ASHERAH_KMS_MODE</c>) choose <c>aws</c>, with the
    /// regions of <c>Asherah:RegionMap</c> (<c>ASHERAH_REGION_MAP</c>) and the other keys <see cref="AwsKmsOptions"/> lists.
    /// </summary>
    /// <remarks>Adapters cannot register themselves: the application calls this. See <see cref="AwsKms"/>.</remarks>
    public static IAsherahBuilder AddAwsKms(this IAsherahBuilder builder) =>
        builder.ConfigureProviders(static providers => providers.AddAwsKms());

    /// <summary>
    /// Uses the AWS KMS whatever <see cref="AsherahOptions.Kms"/> names: options are read from configuration as for
    /// <see cref="AddAwsKms"/>, then <paramref name="configure"/> runs, so code wins. The factory makes the service on
    /// its own secure memory and disposes it.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddAsherah(configuration).UseAwsKms(o => o
    ///     .AddRegion("us-west-2", "arn:aws:kms:us-west-2:111122223333:key/…")
    ///     .AddRegion("us-east-1", "arn:aws:kms:us-east-1:111122223333:key/…"));
    /// </code>
    /// </example>
    public static IAsherahBuilder UseAwsKms(this IAsherahBuilder builder, Action<AwsKmsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.ConfigureProviders(providers => providers.AddAwsKms(configure));

        // After every Configure, so it wins over a name read from configuration.
        builder.Services.PostConfigure<AsherahOptions>(static options => options.Kms = AwsKms.Name);
        return builder;
    }
}

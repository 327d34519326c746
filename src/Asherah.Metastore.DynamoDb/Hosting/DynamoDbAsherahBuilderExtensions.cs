using Amazon.DynamoDBv2;
using Asherah;
using Asherah.Metastore.DynamoDb;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the DynamoDB metastore to <c>AddAsherah</c>.</summary>
public static class DynamoDbAsherahBuilderExtensions
{
    /// <summary>
    /// Lets <see cref="AsherahOptions.Metastore"/> (<c>Asherah:Metastore</c>, <c>ASHERAH_METASTORE_MODE</c>) choose
    /// <c>dynamodb</c>, configured from the same section (<c>Asherah:DynamoDbTableName</c>, <c>:DynamoDbRegion</c>,
    /// <c>:DynamoDbEndpoint</c>, <c>:EnableRegionSuffix</c>); see <see cref="DynamoDbMetastores"/>.
    /// </summary>
    /// <remarks>Adapters cannot register themselves: the application calls this.</remarks>
    public static IAsherahBuilder AddDynamoDbMetastore(this IAsherahBuilder builder) =>
        builder.ConfigureProviders(static providers => providers.AddDynamoDbMetastore());

    /// <summary>
    /// Uses a DynamoDB metastore whatever the options name, over the container's <see cref="IAmazonDynamoDB"/> (for
    /// example one registered with <c>AddAWSService&lt;IAmazonDynamoDB&gt;()</c>) or, when it has none, a client made from
    /// <see cref="DynamoDbMetastoreOptions.Region"/>, <see cref="DynamoDbMetastoreOptions.Endpoint"/> and the AWS SDK's
    /// standard chain.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the table name, region suffix, region and endpoint; the defaults otherwise. Configuration is not read.</param>
    public static IAsherahBuilder UseDynamoDbMetastore(this IAsherahBuilder builder, Action<DynamoDbMetastoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = Configure(configure);
        return builder.UseMetastore(sp => DynamoDbMetastores.Create(options, sp.GetService<IAmazonDynamoDB>(), sp.GetService<ILogger<DynamoDbMetastore>>()));
    }

    /// <summary>Uses a DynamoDB metastore over <paramref name="client"/> (which stays the caller's), whatever the options name.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="client">The client; its region, endpoint, credentials and retry settings are used as they are.</param>
    /// <param name="configure">Sets the table name and region suffix; the defaults otherwise.</param>
    public static IAsherahBuilder UseDynamoDbMetastore(this IAsherahBuilder builder, IAmazonDynamoDB client, Action<DynamoDbMetastoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(client);
        var options = Configure(configure);
        return builder.UseMetastore(sp => new DynamoDbMetastore(client, options, sp.GetService<ILogger<DynamoDbMetastore>>()));
    }

    private static DynamoDbMetastoreOptions Configure(Action<DynamoDbMetastoreOptions>? configure)
    {
        var options = new DynamoDbMetastoreOptions();
        configure?.Invoke(options);
        return options;
    }
}

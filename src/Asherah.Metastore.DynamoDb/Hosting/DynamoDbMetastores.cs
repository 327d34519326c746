using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;

namespace Asherah.Metastore.DynamoDb;

/// <summary>
/// The <c>dynamodb</c> metastore provider: a <see cref="DynamoDbMetastore"/> configured from the <c>Asherah</c> section
/// (<see cref="DynamoDbMetastoreOptions.FromConfiguration"/>), over the container's <see cref="IAmazonDynamoDB"/> when
/// it has one, else a client this package creates from the AWS SDK's standard chain.
/// </summary>
/// <remarks>
/// <code>
/// ASHERAH_METASTORE_MODE=dynamodb         Asherah:Metastore
/// ASHERAH_DYNAMODB_TABLE_NAME             Asherah:DynamoDbTableName    default EncryptionKey
/// ASHERAH_DYNAMODB_REGION                 Asherah:DynamoDbRegion       default: the SDK chain (AWS_REGION, profile, ...)
/// ASHERAH_DYNAMODB_ENDPOINT               Asherah:DynamoDbEndpoint     default: the region's endpoint
/// ASHERAH_ENABLE_REGION_SUFFIX            Asherah:EnableRegionSuffix   true: key ids end in _{client region}
/// </code>
/// Malformed settings are reported at start (<c>ValidateOnStart</c>, <see cref="SessionFactoryBuilder.FromOptions"/>).
/// The table is not created (production tables come from infrastructure code); call
/// <see cref="DynamoDbMetastore.EnsureTableAsync"/> where that is wanted. A client the provider creates is disposed with
/// the metastore; a client from the container is left to the container.
/// </remarks>
public static class DynamoDbMetastores
{
    /// <summary>The provider name: <c>dynamodb</c>.</summary>
    public const string Name = "dynamodb";

    /// <summary>
    /// Lets <see cref="AsherahOptions.Metastore"/> choose <c>dynamodb</c> on the plain path
    /// (<see cref="SessionFactoryBuilder.FromOptions"/>) and under dependency injection.
    /// </summary>
    public static AsherahProviders AddDynamoDbMetastore(this AsherahProviders providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        return providers.AddMetastore(
            Name,
            static context => Create(
                DynamoDbMetastoreOptions.FromConfiguration(context.Configuration),
                context.Services.GetService(typeof(IAmazonDynamoDB)) as IAmazonDynamoDB,
                context.Services.GetService(typeof(ILogger<DynamoDbMetastore>)) as ILogger<DynamoDbMetastore>),
            static context => Validate(context));
    }

    /// <summary>
    /// What is wrong with the configured settings (a table name DynamoDB refuses, an endpoint that is not an http(s) URL,
    /// a region suffix flag that is not true or false), or <see langword="null"/>; checked at start, creating nothing.
    /// </summary>
    private static string? Validate(AsherahProviderContext context)
    {
        try
        {
            _ = DynamoDbMetastoreOptions.FromConfiguration(context.Configuration);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return $"The dynamodb metastore: {e.Message}";
        }
    }

    /// <summary>
    /// Creates a metastore over <paramref name="client"/>, or, when it is <see langword="null"/>, over a client made from
    /// <see cref="DynamoDbMetastoreOptions.Region"/>, <see cref="DynamoDbMetastoreOptions.Endpoint"/> and the SDK's
    /// chain, which the metastore then owns and disposes.
    /// </summary>
    /// <exception cref="ArgumentException">The region suffix is enabled but the client has no region.</exception>
    public static DynamoDbMetastore Create(DynamoDbMetastoreOptions options, IAmazonDynamoDB? client = null, ILogger<DynamoDbMetastore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (client is not null)
        {
            return new DynamoDbMetastore(client, options, logger);
        }

        AmazonDynamoDBClient created;
        try
        {
            created = CreateClient(options);
        }
        catch (AmazonClientException e)
        {
            throw new InvalidOperationException(
                "The dynamodb metastore cannot create its DynamoDB client: " + e.Message + ". Set the region (Asherah:DynamoDbRegion, " +
                "environment ASHERAH_DYNAMODB_REGION, or the AWS SDK's AWS_REGION or profile) or an endpoint (Asherah:DynamoDbEndpoint).",
                e);
        }

        try
        {
            return new DynamoDbMetastore(created, options, logger, ownsClient: true);
        }
        catch
        {
            created.Dispose();
            throw;
        }
    }

    /// <summary>A client for <see cref="DynamoDbMetastoreOptions.Region"/> and <see cref="DynamoDbMetastoreOptions.Endpoint"/>, credentials from the SDK's chain.</summary>
    internal static AmazonDynamoDBClient CreateClient(DynamoDbMetastoreOptions options)
    {
        var config = new AmazonDynamoDBConfig();
        if (!string.IsNullOrEmpty(options.Endpoint))
        {
            config.ServiceURL = options.Endpoint;
            // A custom endpoint's requests are signed for the region named, which is also the suffix's region. Without
            // one, a suffix takes the SDK chain's region (AWS_REGION, the profile), as canonical Go does.
            string? region = options.Region;
            if (string.IsNullOrEmpty(region) && options.EnableRegionSuffix && options.RegionSuffix is null)
            {
                region = FallbackRegionFactory.GetRegionEndpoint()?.SystemName;
            }

            if (!string.IsNullOrEmpty(region))
            {
                config.AuthenticationRegion = region;
            }
        }
        else if (!string.IsNullOrEmpty(options.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        return new AmazonDynamoDBClient(config);
    }
}

using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Asherah.Kms.Aws;
using Asherah.Kms.Aws.TestServer;
using Asherah.Metastore.DynamoDb;

namespace Asherah.Benchmarks.Aws;

/// <summary>
/// AWS on loopback for the AWS benchmarks: DynamoDB is the dynalite server at <c>ASHERAH_TEST_DYNAMODB</c> (started by
/// scripts/bench-aws.sh), AWS KMS is a <see cref="KmsTestServer"/> started in this process with a key in us-west-2
/// (preferred), us-east-1 and eu-west-1. Both are reached through the real AWS SDK clients.
/// </summary>
/// <remarks>
/// KMS clients make no SDK retries (<c>MaxErrorRetry = 0</c>): a failing region costs one round trip before the next
/// region is tried, and a hanging one costs <see cref="RegionTimeout"/>. Each benchmark run has a table of its own,
/// deleted on dispose. The metastore uses the region suffix (us-west-2), as a multi-region deployment does.
/// </remarks>
internal sealed class LocalAws : IAsyncDisposable
{
    public const string West = "us-west-2";
    public const string East = "us-east-1";
    public const string Europe = "eu-west-1";
    public const string Product = "bench-product";
    public const string Service = "bench-service";

    /// <summary>How long one KMS call to one region may take before the next region is tried.</summary>
    public static readonly TimeSpan RegionTimeout = TimeSpan.FromMilliseconds(200);

    private static readonly string[] KmsRegions = [West, East, Europe];

    private LocalAws(KmsTestServer kms, AmazonDynamoDBClient dynamoDb, string table)
    {
        Kms = kms;
        DynamoDb = dynamoDb;
        Table = table;
    }

    public KmsTestServer Kms { get; }

    /// <summary>The DynamoDB client every metastore of this run shares (one per process, as an application has).</summary>
    public AmazonDynamoDBClient DynamoDb { get; }

    public string Table { get; }

    /// <summary>Starts the KMS test server and makes a new table on dynalite.</summary>
    /// <exception cref="InvalidOperationException"><c>ASHERAH_TEST_DYNAMODB</c> is not set.</exception>
    public static async Task<LocalAws> StartAsync()
    {
        string endpoint = Environment.GetEnvironmentVariable("ASHERAH_TEST_DYNAMODB") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("ASHERAH_TEST_DYNAMODB is not set: start dynalite (eval \"$(scripts/dynalite.sh start)\") or run scripts/bench-aws.sh.");
        var dynamoDb = new AmazonDynamoDBClient(
            new BasicAWSCredentials("dynalite", "dynalite"),
            new AmazonDynamoDBConfig { ServiceURL = endpoint, AuthenticationRegion = West });
        var aws = new LocalAws(await KmsTestServer.StartAsync(KmsRegions), dynamoDb, "asherah-bench-" + Guid.NewGuid().ToString("N"));
        await aws.NewMetastore().EnsureTableAsync();
        return aws;
    }

    /// <summary>A metastore over the shared client, region suffix on.</summary>
    public DynamoDbMetastore NewMetastore() =>
        new(DynamoDb, new DynamoDbMetastoreOptions { TableName = Table, EnableRegionSuffix = true });

    /// <summary>The SDK's KMS client for <paramref name="region"/> of the test server, without retries.</summary>
    public IAmazonKeyManagementService KmsClient(string region) =>
        new AmazonKeyManagementServiceClient(
            new BasicAWSCredentials("AKIDLOCALTEST", "local-test-secret"),
            new AmazonKeyManagementServiceConfig { ServiceURL = Kms.Url.ToString(), AuthenticationRegion = region, MaxErrorRetry = 0 });

    /// <summary>The KMS service over the three regions, us-west-2 preferred, <see cref="RegionTimeout"/> per call.</summary>
    public AwsKeyManagementService NewKms()
    {
        var options = new AwsKmsOptions { RegionTimeout = RegionTimeout, ClientFactory = KmsClient };
        foreach (var region in KmsRegions)
        {
            options.AddRegion(region, Kms.KeyArn(region));
        }

        return new AwsKeyManagementService(options);
    }

    /// <summary>A factory over a new metastore and <paramref name="kms"/>; sessions are not cached.</summary>
    public SessionFactory NewFactory(IKeyManagementService kms, CryptoPolicy policy) =>
        SessionFactory.NewBuilder(Product, Service)
            .WithMetastore(NewMetastore())
            .WithCryptoPolicy(policy)
            .WithKeyManagementService(kms)
            .Build();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DynamoDb.DeleteTableAsync(Table);
        }
        catch (ResourceNotFoundException)
        {
        }

        DynamoDb.Dispose();
        await Kms.DisposeAsync();
    }
}

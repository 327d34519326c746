using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Asherah.Kms.Aws;
using Asherah.Kms.Aws.TestServer;
using Asherah.Metastore.DynamoDb;
using Asherah.Metastore.DynamoDb.Tests;

namespace Asherah.Aws.Tests;

/// <summary>
/// One application region as it runs on AWS: a DynamoDB endpoint (a dynalite server standing for that region's replica of
/// a global table) reached by clients signing for <see cref="Region"/>, with the region suffix on, and AWS KMS keys in
/// every region of a shared <see cref="KmsTestServer"/>, this region's key preferred.
/// </summary>
/// <remarks>
/// Every metastore and KMS service it makes has clients of its own (as a new process would), all disposed with the
/// deployment. The table is made on first use and deleted on dispose.
/// </remarks>
internal sealed class AwsDeployment : IAsyncDisposable
{
    public const string West = "us-west-2";
    public const string East = "us-east-1";
    public const string Europe = "eu-west-1";
    public const string Service = "svc";

    /// <summary>The KMS regions of every deployment, in the order they are added (the preferred one is moved first).</summary>
    public static readonly string[] KmsRegions = [West, East, Europe];

    private readonly List<IDisposable> _owned = [];

    public AwsDeployment(KmsTestServer kms, string endpoint, string region, string table)
    {
        Kms = kms;
        Endpoint = endpoint;
        Region = region;
        Table = table;
    }

    public KmsTestServer Kms { get; }

    public string Endpoint { get; }

    /// <summary>The region: the DynamoDB clients sign for it (so it is the key suffix) and its KMS key is preferred.</summary>
    public string Region { get; }

    public string Table { get; }

    /// <summary>A new KMS test server with a key in each of <see cref="KmsRegions"/>.</summary>
    public static Task<KmsTestServer> StartKmsAsync() => KmsTestServer.StartAsync(KmsRegions);

    /// <summary>A DynamoDB client of its own for this region's endpoint, signing for <see cref="Region"/>.</summary>
    public AmazonDynamoDBClient DynamoDb() => Own(Dynalite.Client(Endpoint, Region));

    /// <summary>Creates the table when it is missing.</summary>
    public Task EnsureTableAsync() => NewMetastore().EnsureTableAsync();

    /// <summary>A metastore over a new client, region suffix on (the suffix is <see cref="Region"/>).</summary>
    public DynamoDbMetastore NewMetastore() =>
        Own(new DynamoDbMetastore(DynamoDb(), new DynamoDbMetastoreOptions { TableName = Table, EnableRegionSuffix = true }));

    /// <summary>
    /// A KMS service over every region with this region's key preferred, each call to a region bounded by
    /// <paramref name="regionTimeout"/>; KMS clients without SDK retries, so a failing region fails over at once.
    /// </summary>
    public AwsKeyManagementService NewKms(TimeSpan regionTimeout)
    {
        var options = new AwsKmsOptions
        {
            PreferredRegion = Region,
            RegionTimeout = regionTimeout,
            ClientFactory = KmsClient,
        };
        foreach (var region in KmsRegions)
        {
            options.AddRegion(region, Kms.KeyArn(region));
        }

        return Own(new AwsKeyManagementService(options));
    }

    /// <summary>A factory of <paramref name="product"/> over a new metastore and <paramref name="kms"/>.</summary>
    public SessionFactory NewFactory(string product, IKeyManagementService kms, CryptoPolicy? policy = null, TimeProvider? time = null)
    {
        var builder = SessionFactory.NewBuilder(product, Service)
            .WithMetastore(NewMetastore())
            .WithCryptoPolicy(policy ?? new NeverExpiredCryptoPolicy())
            .WithKeyManagementService(kms);
        if (time is not null)
        {
            builder.WithTimeProvider(time);
        }

        return builder.Build();
    }

    /// <summary>How many items the table holds for <paramref name="keyId"/>, counted with a consistent query.</summary>
    public async Task<int> CountRowsAsync(string keyId)
    {
        var response = await DynamoDb().QueryAsync(new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "Id = :id",
            ExpressionAttributeValues = new() { [":id"] = new AttributeValue { S = keyId } },
            Select = Select.COUNT,
            ConsistentRead = true,
        });
        return response.Count ?? 0;
    }

    /// <summary>The system key id of <paramref name="product"/> as this region's factories name it.</summary>
    public string SystemKeyId(string product) => $"_SK_{Service}_{product}_{Region}";

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DynamoDb().DeleteTableAsync(Table);
        }
        catch (ResourceNotFoundException)
        {
        }

        lock (_owned)
        {
            foreach (var owned in _owned)
            {
                owned.Dispose();
            }

            _owned.Clear();
        }
    }

    private IAmazonKeyManagementService KmsClient(string region) =>
        new AmazonKeyManagementServiceClient(
            new BasicAWSCredentials("AKIDLOCALTEST", "local-test-secret"),
            new AmazonKeyManagementServiceConfig
            {
                ServiceURL = Kms.Url.ToString(),
                AuthenticationRegion = region,
                MaxErrorRetry = 0,
            });

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        lock (_owned)
        {
            _owned.Add(disposable);
        }

        return disposable;
    }
}

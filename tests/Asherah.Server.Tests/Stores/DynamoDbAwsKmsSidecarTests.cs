using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Asherah.Kms.Aws;
using Asherah.Kms.Aws.TestServer;
using Asherah.Metastore.DynamoDb;
using Asherah.Tests.Shared;

namespace Asherah.Server.Tests.Stores;

/// <summary>
/// The sidecar on DynamoDB (dynalite, its own table) with AWS KMS in two regions (the local KMS-protocol server
/// <see cref="KmsTestServer"/>), configured as the canonical server is: <c>ASHERAH_METASTORE_MODE=dynamodb</c>,
/// <c>ASHERAH_DYNAMODB_*</c>, <c>ASHERAH_KMS_MODE=aws</c>, <c>ASHERAH_REGION_MAP</c>, <c>ASHERAH_PREFERRED_REGION</c>,
/// and the AWS SDK's own variables for credentials and the KMS endpoint. The library uses the same table and keys.
/// </summary>
[RequiresEnvironment(Variable, "run eval \"$(scripts/dynalite.sh start)\"; scripts/test.sh does it")]
public sealed class DynamoDbAwsKmsSidecarTests : SidecarStoreContract
{
    private const string Variable = "ASHERAH_TEST_DYNAMODB";
    private const string West = "us-west-2";
    private const string East = "us-east-1";
    private const string AccessKey = "AKIDLOCALTEST";
    private const string SecretKey = "local-test-secret";

    private readonly string _table = "asherah-sidecar-" + Guid.NewGuid().ToString("N");
    private KmsTestServer _kms = null!;
    private AmazonDynamoDBClient _dynamoDb = null!;
    private DynamoDbMetastore? _libraryMetastore;
    private AwsKeyManagementService? _libraryKms;

    private static string Endpoint => Environment.GetEnvironmentVariable(Variable)!;

    public override async Task InitializeAsync()
    {
        _kms = await KmsTestServer.StartAsync(West, East);
        _dynamoDb = new AmazonDynamoDBClient(
            new BasicAWSCredentials(AccessKey, SecretKey), new AmazonDynamoDBConfig { ServiceURL = Endpoint, AuthenticationRegion = West });
        using var metastore = new DynamoDbMetastore(_dynamoDb, new DynamoDbMetastoreOptions { TableName = _table });
        await metastore.EnsureTableAsync();
    }

    public override async Task DisposeAsync()
    {
        _libraryMetastore?.Dispose();
        _libraryKms?.Dispose();
        await _dynamoDb.DeleteTableAsync(_table);
        _dynamoDb.Dispose();
        await _kms.DisposeAsync();
        await base.DisposeAsync();
    }

    protected override IReadOnlyDictionary<string, string?> ServerEnvironment() => new Dictionary<string, string?>
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_ENDPOINT_URL_KMS"] = _kms.Url.ToString(),
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["ASHERAH_METASTORE_MODE"] = "dynamodb",
        ["ASHERAH_DYNAMODB_ENDPOINT"] = Endpoint,
        ["ASHERAH_DYNAMODB_REGION"] = West,
        ["ASHERAH_DYNAMODB_TABLE_NAME"] = _table,
        ["ASHERAH_KMS_MODE"] = "aws",
        ["ASHERAH_REGION_MAP"] = $"{West}={_kms.KeyArn(West)},{East}={_kms.KeyArn(East)}",
        ["ASHERAH_PREFERRED_REGION"] = West,
    };

    protected override SessionFactory CreateLibraryFactory()
    {
        // East listed first, so only the preference makes West the region asked first.
        _libraryMetastore = new DynamoDbMetastore(_dynamoDb, new DynamoDbMetastoreOptions { TableName = _table });
        var options = new AwsKmsOptions().AddRegion(East, _kms.KeyArn(East)).AddRegion(West, _kms.KeyArn(West));
        options.PreferredRegion = West;
        options.ClientFactory = region => new AmazonKeyManagementServiceClient(
            new BasicAWSCredentials(AccessKey, SecretKey),
            new AmazonKeyManagementServiceConfig { ServiceURL = _kms.Url.ToString(), AuthenticationRegion = region });
        _libraryKms = new AwsKeyManagementService(options);
        return SessionFactory.NewBuilder(Product, Service)
            .WithCryptoPolicy(new BasicExpiringCryptoPolicy { KeyExpiration = TimeSpan.FromDays(90) })   // the sidecar's default, 2160h
            .WithMetastore(_libraryMetastore)
            .WithKeyManagementService(_libraryKms)
            .Build();
    }

    protected override async Task<IReadOnlyList<string>> StoredKeyIdsAsync()
    {
        var items = await _dynamoDb.ScanAsync(new ScanRequest { TableName = _table, ConsistentRead = true });
        return [.. items.Items.Select(item => item["Id"].S)];
    }

    protected override async Task AssertStoreAsync()
    {
        // The system key was made once, by the sidecar: a data key from the preferred region, encrypted in the other,
        // and both regions' key-encryption keys in canonical's envelope.
        Assert.Equal(1, _kms.Requests(West, "GenerateDataKey"));
        Assert.Equal(0, _kms.Requests(East, "GenerateDataKey"));
        Assert.Equal(1, _kms.Requests(East, "Encrypt"));

        var items = await _dynamoDb.QueryAsync(new QueryRequest
        {
            TableName = _table,
            KeyConditionExpression = "Id = :id",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":id"] = new AttributeValue { S = SystemKeyId } },
            ConsistentRead = true,
        });
        var envelope = Encoding.UTF8.GetString(Convert.FromBase64String(Assert.Single(items.Items)["KeyRecord"].M["Key"].S));
        using var document = JsonDocument.Parse(envelope);
        Assert.Equal(
            new[] { _kms.KeyArn(East), _kms.KeyArn(West) }.Order(StringComparer.Ordinal),
            document.RootElement.GetProperty("kmsKeks").EnumerateArray().Select(k => k.GetProperty("arn").GetString()).Order(StringComparer.Ordinal));
    }
}

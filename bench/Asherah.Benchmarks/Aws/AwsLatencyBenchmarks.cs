using Amazon.DynamoDBv2.Model;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Asherah.Benchmarks.Latency;
using Asherah.Kms.Aws;
using BenchmarkDotNet.Attributes;

namespace Asherah.Benchmarks.Aws;

/// <summary>
/// Latency of the key paths that reach DynamoDB and AWS KMS, per operation (P50, P99), against dynalite and the KMS test
/// server on loopback, beside the raw SDK round trips they are made of.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>DynamoDbGetItem</c>: the SDK's <c>GetItem</c> of an existing key record (consistent read): the baseline.</item>
/// <item><c>KmsDecrypt</c>: the SDK's KMS <c>Decrypt</c> of a data key in the preferred region.</item>
/// <item><c>ColdPartitionEncrypt</c>: the first encrypt of a partition never seen, system key cached: intermediate key
/// "load latest" (a <c>Query</c>, a miss), create, conditional <c>PutItem</c>. No KMS call. Expected: 2 round trips.</item>
/// <item><c>SystemKeyUncachedDecrypt</c>: decrypt of an existing record when neither its intermediate key (a new session)
/// nor its system key (system key cache off: what a new factory or process sees) is cached: <c>GetItem</c> of the
/// intermediate key, <c>GetItem</c> of the system key, KMS <c>Decrypt</c> of its data key. Expected: 3 round trips.</item>
/// </list>
/// Run: <c>scripts/bench-aws.sh</c>. Failover costs: <see cref="AwsFailoverBenchmarks"/>.
/// </remarks>
[Config(typeof(LatencyConfig))]
public class AwsLatencyBenchmarks
{
    private const int DecryptPartitions = 256;

    private LocalAws _aws = null!;
    private AwsKeyManagementService _kms = null!;
    private SessionFactory _warm = null!;
    private SessionFactory _uncached = null!;
    private IAmazonKeyManagementService _kmsClient = null!;
    private GetItemRequest _getItem = null!;
    private byte[] _dataKeyBlob = null!;
    private byte[] _payload = null!;
    private (string Partition, byte[] Record)[] _records = null!;
    private long _next;

    [GlobalSetup]
    public async Task Setup()
    {
        _aws = await LocalAws.StartAsync();
        _kms = _aws.NewKms();
        _warm = _aws.NewFactory(_kms, new NeverExpiredCryptoPolicy());
        _uncached = _aws.NewFactory(_kms, new NeverExpiredCryptoPolicy { CacheSystemKeys = false });
        _payload = new byte[64];
        _records = await AwsRecords.WriteAsync(_warm, "read", DecryptPartitions, _payload);

        // The system key's item, as the metastore reads it.
        var systemKeyId = $"_SK_{LocalAws.Service}_{LocalAws.Product}_{LocalAws.West}";
        var latest = await _aws.NewMetastore().LoadLatestAsync(systemKeyId) ?? throw new InvalidOperationException("No system key was stored.");
        _getItem = new GetItemRequest
        {
            TableName = _aws.Table,
            Key = new()
            {
                ["Id"] = new AttributeValue { S = systemKeyId },
                ["Created"] = new AttributeValue { N = latest.Created.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) },
            },
            ConsistentRead = true,
        };
        if ((await _aws.DynamoDb.GetItemAsync(_getItem)).Item is not { Count: > 0 })
        {
            throw new InvalidOperationException("The GetItem baseline found no item.");
        }

        _kmsClient = _aws.KmsClient(LocalAws.West);
        var dataKey = await _kmsClient.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = _aws.Kms.KeyArn(LocalAws.West), KeySpec = DataKeySpec.AES_256 });
        _dataKeyBlob = dataKey.CiphertextBlob.ToArray();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _warm.DisposeAsync();
        await _uncached.DisposeAsync();
        _kms.Dispose();
        _kmsClient.Dispose();
        await _aws.DisposeAsync();
    }

    /// <summary>One DynamoDB <c>GetItem</c> (consistent) of an existing item through the SDK.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> DynamoDbGetItem() => (await _aws.DynamoDb.GetItemAsync(_getItem)).Item.Count;

    /// <summary>One KMS <c>Decrypt</c> of a data key in the preferred region through the SDK.</summary>
    [Benchmark]
    public async Task<long> KmsDecrypt()
    {
        var response = await _kmsClient.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(_dataKeyBlob, writable: false), KeyId = _aws.Kms.KeyArn(LocalAws.West) });
        using var plaintext = response.Plaintext;
        return plaintext.Length;
    }

    /// <summary>The first encrypt of a partition never seen before, system key cached.</summary>
    [Benchmark]
    public async Task<byte[]> ColdPartitionEncrypt()
    {
        await using var session = _warm.GetSessionBytes(AwsRecords.NewPartition("cold", Interlocked.Increment(ref _next)));
        return await session.EncryptAsync(_payload);
    }

    /// <summary>A decrypt with neither key cached: two <c>GetItem</c> and a KMS <c>Decrypt</c>.</summary>
    [Benchmark]
    public async Task<byte[]> SystemKeyUncachedDecrypt()
    {
        var (partition, record) = _records[Interlocked.Increment(ref _next) % DecryptPartitions];
        await using var session = _uncached.GetSessionBytes(partition);
        return await session.DecryptAsync(record);
    }
}

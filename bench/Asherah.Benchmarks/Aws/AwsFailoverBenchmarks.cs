using Asherah.Benchmarks.Latency;
using Asherah.Kms.Aws;
using Asherah.Kms.Aws.TestServer;
using BenchmarkDotNet.Attributes;

namespace Asherah.Benchmarks.Aws;

/// <summary>
/// What a KMS region failover costs: the decrypt of <see cref="AwsLatencyBenchmarks.SystemKeyUncachedDecrypt"/> (two
/// <c>GetItem</c>, KMS <c>Decrypt</c>) with the preferred region (us-west-2) healthy, failing fast, or hanging.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>none</c>: us-west-2 answers.</item>
/// <item><c>fail</c>: us-west-2 answers HTTP 500 <c>KMSInternalException</c> at once; the cost is that round trip, then
/// us-east-1 decrypts.</item>
/// <item><c>hang</c>: us-west-2 never answers; the cost is <see cref="LocalAws.RegionTimeout"/> (200 ms), then us-east-1.</item>
/// </list>
/// Every system key was written while all regions answered, so its envelope holds us-west-2 first. Only paths that call
/// the KMS pay this; a cached system key pays nothing. 200 operations after 20 warm-up ones (a hanging run waits 200 ms
/// each).
/// </remarks>
[Config(typeof(FailoverLatencyConfig))]
public class AwsFailoverBenchmarks
{
    private const int DecryptPartitions = 64;

    private LocalAws _aws = null!;
    private AwsKeyManagementService _kms = null!;
    private SessionFactory _uncached = null!;
    private (string Partition, byte[] Record)[] _records = null!;
    private long _next;

    [Params("none", "fail", "hang")]
    public string PreferredRegion { get; set; } = "none";

    [GlobalSetup]
    public async Task Setup()
    {
        _aws = await LocalAws.StartAsync();
        _kms = _aws.NewKms();
        _uncached = _aws.NewFactory(_kms, new NeverExpiredCryptoPolicy { CacheSystemKeys = false });
        _records = await AwsRecords.WriteAsync(_uncached, "failover", DecryptPartitions, new byte[64]);
        switch (PreferredRegion)
        {
            case "fail":
                _aws.Kms.SetFault(LocalAws.West, KmsFault.Fail);
                break;
            case "hang":
                _aws.Kms.SetFault(LocalAws.West, KmsFault.Hang);
                break;
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _uncached.DisposeAsync();
        _kms.Dispose();
        await _aws.DisposeAsync();
    }

    /// <summary>A decrypt with neither key cached, past the preferred region when it is down.</summary>
    [Benchmark]
    public async Task<byte[]> SystemKeyUncachedDecrypt()
    {
        var (partition, record) = _records[Interlocked.Increment(ref _next) % DecryptPartitions];
        await using var session = _uncached.GetSessionBytes(partition);
        return await session.DecryptAsync(record);
    }

    /// <summary>Fewer operations than <see cref="LatencyConfig"/>: a hanging region costs 200 ms each.</summary>
    public sealed class FailoverLatencyConfig : LatencyConfig
    {
        public FailoverLatencyConfig()
            : base(warmupCount: 20, iterationCount: 200)
        {
        }
    }
}

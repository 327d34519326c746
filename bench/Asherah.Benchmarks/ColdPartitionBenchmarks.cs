using BenchmarkDotNet.Attributes;

namespace Asherah.Benchmarks;

/// <summary>
/// The first encrypt for a partition never seen before: the IK is loaded (missing), created, encrypted under the cached
/// SK and stored (in-memory metastore, static KMS).
/// </summary>
/// <remarks>Every invocation adds a partition to the metastore, so the run is bounded: 15 iterations of 16,384.</remarks>
[MemoryDiagnoser]
[WarmupCount(3)]
[IterationCount(15)]
[InvocationCount(16384)]
public class ColdPartitionBenchmarks
{
    private SessionFactory _factory = null!;
    private byte[] _payload = null!;
    private long _next;

    [GlobalSetup]
    public void Setup()
    {
        _factory = SessionFactory.NewBuilder("bench-product", "bench-service")
            .WithInMemoryMetastore()
            .WithNeverExpiredCryptoPolicy()
            .WithStaticKeyManagementService("thisIsAStaticMasterKeyForTesting")
            .Build();
        _payload = new byte[64];
        using var warm = _factory.GetSessionBytes("warm-up");
        warm.Encrypt(_payload);
    }

    [GlobalCleanup]
    public void Cleanup() => _factory.Dispose();

    [Benchmark]
    public byte[] FirstEncrypt()
    {
        using var session = _factory.GetSessionBytes("cold-" + Interlocked.Increment(ref _next));
        return session.Encrypt(_payload);
    }
}

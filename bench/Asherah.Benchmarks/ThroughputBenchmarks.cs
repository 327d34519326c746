using Asherah.KeyManagement;
using BenchmarkDotNet.Attributes;

namespace Asherah.Benchmarks;

/// <summary>
/// Encrypt throughput over 1,000 partitions with the session cache on, on one thread and on two; compare the per-operation
/// times (Mean / OperationsPerInvoke) to get the scaling factor.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(3)]
[IterationCount(15)]
public class ThroughputBenchmarks
{
    private const int Partitions = 1000;
    private const int Operations = 40_000;

    private SessionFactory _factory = null!;
    private BytesSession[] _sessions = null!;
    private byte[] _payload = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _factory = SessionFactory.NewBuilder("bench-product", "bench-service")
            .WithInMemoryMetastore()
            .WithCryptoPolicy(new BasicExpiringCryptoPolicy { CacheSessions = true, SessionCacheMaxSize = 2 * Partitions })
            .WithStaticKeyManagementService("thisIsAStaticMasterKeyForTesting")
            .Build();
        _sessions = Enumerable.Range(0, Partitions).Select(i => _factory.GetSessionBytes("partition-" + i)).ToArray();
        _payload = new byte[64];
        foreach (var session in _sessions)
        {
            session.Encrypt(_payload);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var session in _sessions)
        {
            session.Dispose();
        }

        _factory.Dispose();
    }

    /// <summary>The byte[] API: one allocation (the record) per operation.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void Encrypt64() => RunOnThreads((session, _) => session.Encrypt(_payload));

    /// <summary>The span API into a per-thread buffer: no allocation.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void Encrypt64Span() => RunOnThreads((session, buffer) => session.TryEncrypt(_payload, buffer, out _));

    private void RunOnThreads(Action<BytesSession, byte[]> operation)
    {
        var threads = new Thread[Threads];
        int perThread = Operations / Threads;
        for (int t = 0; t < threads.Length; t++)
        {
            int offset = t * (Partitions / Threads);
            threads[t] = new Thread(() =>
            {
                var buffer = new byte[1024];
                for (int i = 0; i < perThread; i++)
                {
                    operation(_sessions[(offset + i) % Partitions], buffer);
                }
            });
            threads[t].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }
    }
}

using BenchmarkDotNet.Attributes;

namespace Asherah.Benchmarks;

/// <summary>
/// Encrypt throughput over 1,000 partitions with the session cache on, on one thread and on two; compare the per-operation
/// times (Mean is per operation) to get the scaling factor.
/// </summary>
/// <remarks>
/// Worker threads live for the whole run and are released together for each invocation, so thread start-up and
/// uneven starts are not measured. The byte[] API allocates its result, so its scaling also measures the garbage
/// collector (workstation GC stops both threads for every gen0 collection); the span API allocates nothing.
/// </remarks>
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
    private Thread[] _workers = null!;
    private Barrier _barrier = null!;
    private volatile Action<BytesSession, byte[]>? _operation;

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

        _barrier = new Barrier(Threads + 1);
        _workers = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int offset = t * (Partitions / Threads);
            _workers[t] = new Thread(() => Work(offset)) { IsBackground = true };
            _workers[t].Start();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _operation = null;
        _barrier.SignalAndWait(); // release the workers to exit
        foreach (var worker in _workers)
        {
            worker.Join();
        }

        foreach (var session in _sessions)
        {
            session.Dispose();
        }

        _factory.Dispose();
    }

    /// <summary>The byte[] API: one allocation (the record) per operation.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void Encrypt64() => RunOnWorkers(static (session, payload, _) => session.Encrypt(payload));

    /// <summary>The span API into a per-thread buffer: no allocation.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void Encrypt64Span() => RunOnWorkers(static (session, payload, buffer) => session.TryEncrypt(payload, buffer, out _));

    private void RunOnWorkers(Action<BytesSession, byte[], byte[]> operation)
    {
        var payload = _payload;
        _operation = (session, buffer) => operation(session, payload, buffer);
        _barrier.SignalAndWait(); // start
        _barrier.SignalAndWait(); // finished
    }

    private void Work(int offset)
    {
        var buffer = new byte[1024];
        int perThread = Operations / Threads;
        while (true)
        {
            _barrier.SignalAndWait();
            var operation = _operation;
            if (operation is null)
            {
                return;
            }

            for (int i = 0; i < perThread; i++)
            {
                operation(_sessions[(offset + i) % Partitions], buffer);
            }

            _barrier.SignalAndWait();
        }
    }
}

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Asherah.Benchmarks.Caching.Throughput;

/// <summary>
/// Hits per second of a warm cache, on 1 and 2 threads: every lookup finds its key, so this is the cost a policy adds
/// to the hot path (bookkeeping on a hit: LRU moves, frequency counts, read buffers) and how it scales.
/// </summary>
/// <remarks>
/// <para>
/// The cache and the streams are <see cref="WarmCache"/>'s: 10,000 keys shaped like intermediate-key ids, each thread
/// looking up its own Zipf(1.0) stream: 2,000,000 lookups per invocation in all, split evenly between the threads, so
/// Mean is wall time per hit of the whole process and the <c>speed-up</c> column is (Mean on 1 thread) / (Mean on 2
/// threads): 2.00 is perfect scaling. The two cases run minutes apart, so a busy host can sway the ratio; the
/// <c>cachescaling</c> command (<see cref="CacheScalingCommand"/>) pairs them round by round.
/// </para>
/// <para>
/// Threads are dedicated (not the thread pool), started once and released by a barrier per invocation; the job runs
/// in the BenchmarkDotNet host process (see <see cref="Config"/>). On a 2-core
/// machine, 2 threads use both cores: anything else running (see the load printed by <c>scripts/bench-caches.sh</c>)
/// takes from the 2-thread figure first.
/// </para>
/// </remarks>
[Config(typeof(Config))]
[OperationsPerSecond]
public class CacheHitThroughputBenchmarks
{
    private const int TotalHits = 2_000_000;

    private WarmCache _warm = null!;
    private Thread[] _workers = [];
    private int[][] _streams = [];
    private Barrier _start = null!;
    private Barrier _done = null!;
    private long[] _misses = [];
    private volatile bool _stopping;

    [Params("simple", "lru", "lfu", "slru", "tinylfu")]
    public string Policy { get; set; } = "tinylfu";

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        _warm = WarmCache.Create(Policy);
        _streams = [.. Enumerable.Range(0, Threads).Select(t => _warm.Stream(TotalHits / Threads, 1000 + t))];
        _misses = new long[Threads * 16]; // one cache line apart
        _start = new Barrier(Threads + 1);
        _done = new Barrier(Threads + 1);
        _workers = [.. Enumerable.Range(0, Threads).Select(t => new Thread(() => Work(t)) { IsBackground = true, Name = $"hits-{t}" })];
        foreach (var worker in _workers)
        {
            worker.Start();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stopping = true;
        _start.SignalAndWait();
        foreach (var worker in _workers)
        {
            worker.Join();
        }

        long misses = 0;
        for (int t = 0; t < Threads; t++)
        {
            misses += _misses[t * 16];
        }

        _warm.Dispose();
        _start.Dispose();
        _done.Dispose();
        if (misses > 0)
        {
            // A lookup that missed measured a miss, not a hit: say so rather than publish a wrong figure.
            throw new InvalidOperationException($"{misses} lookups missed in the warm {Policy} cache.");
        }
    }

    [Benchmark(OperationsPerInvoke = TotalHits)]
    public void Hits()
    {
        _start.SignalAndWait();
        _done.SignalAndWait();
    }

    private void Work(int thread)
    {
        var stream = _streams[thread];
        while (true)
        {
            _start.SignalAndWait();
            if (_stopping)
            {
                return;
            }

            _misses[thread * 16] += _warm.LookUp(stream);
            _done.SignalAndWait();
        }
    }

    /// <summary>
    /// 5 warm-up and 20 measured invocations of 2,000,000 hits each, in process: the benchmark builds nothing, so a
    /// loaded machine cannot time out BenchmarkDotNet's build of the whole suite (its 2-minute limit).
    /// </summary>
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default
                .WithId("Hits")
                .WithStrategy(RunStrategy.Monitoring)
                .WithWarmupCount(5)
                .WithIterationCount(20)
                .WithInvocationCount(1)
                .WithUnrollFactor(1)
                .WithToolchain(InProcessEmitToolchain.Instance));
            AddColumn(SpeedUpColumn.Instance);
        }
    }
}

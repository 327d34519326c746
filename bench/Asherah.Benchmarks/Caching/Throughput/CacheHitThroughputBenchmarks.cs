using Asherah.Benchmarks.Caching.Traces;
using Asherah.Caching;
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
/// The cache holds 10,000 keys shaped like intermediate-key ids (<c>_IK_partition-0000042_service_product</c>, a string
/// hashed on every lookup as in the product); only keys found present after filling are looked up (TinyLFU's admission
/// may leave some out). Each thread looks up a Zipf(1.0) stream over them (hot keys contended, as hot partitions are),
/// from its own precomputed array: 2,000,000 lookups per invocation in all, split evenly between the threads, so Mean
/// is wall time per hit of the whole process and the <c>speed-up</c> column is (Mean on 1 thread) / (Mean on 2
/// threads): 2.00 is perfect scaling.
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
    private const int Capacity = 10_000;

    private IBoundedCache<string, object> _cache = null!;
    private Thread[] _workers = [];
    private int[][] _streams = [];
    private string[] _present = [];
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
        if (!BoundedCache.TryParsePolicy(Policy, out var policy))
        {
            throw new InvalidOperationException($"Unknown cache policy '{Policy}'.");
        }

        _cache = BoundedCache.Create<string, object>(policy.Value, Capacity);
        var keys = Enumerable.Range(0, Capacity).Select(i => $"_IK_partition-{i:D7}_service_product").ToArray();
        // Two passes: the second lets frequency-based admission take keys the first pass could not place.
        for (int pass = 0; pass < 2; pass++)
        {
            foreach (string key in keys)
            {
                if (!_cache.TryGet(key, out _))
                {
                    _cache.TryAdd(key, new object());
                }
            }
        }

        // A policy may finish pending bookkeeping (and evict) a little after the adds: wait until the set of keys
        // present is the same twice in a row. Then look up fresh string instances, as a request's partition id would
        // be (not the very instance stored in the cache).
        string[] present = [.. keys.Where(k => _cache.TryGet(k, out _))];
        for (int round = 0; round < 100; round++)
        {
            Thread.Sleep(10);
            string[] again = [.. keys.Where(k => _cache.TryGet(k, out _))];
            bool stable = again.SequenceEqual(present);
            present = again;
            if (stable)
            {
                break;
            }
        }

        _present = [.. present.Select(k => new string(k.AsSpan()))];
        if (_present.Length < Capacity / 2)
        {
            throw new InvalidOperationException($"Only {_present.Length} of {Capacity} keys stayed in the {Policy} cache.");
        }

        var sampler = new ZipfSampler(_present.Length, 1.0);
        _streams = new int[Threads][];
        for (int t = 0; t < Threads; t++)
        {
            var random = new TraceRandom((ulong)(1000 + t));
            _streams[t] = [.. Enumerable.Range(0, TotalHits / Threads).Select(_ => sampler.Sample(random) - 1)];
        }

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

        _cache.Dispose();
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
        var cache = _cache;
        var present = _present;
        var stream = _streams[thread];
        while (true)
        {
            _start.SignalAndWait();
            if (_stopping)
            {
                return;
            }

            long misses = 0;
            foreach (int index in stream)
            {
                if (!cache.TryGet(present[index], out _))
                {
                    misses++;
                }
            }

            _misses[thread * 16] += misses;
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

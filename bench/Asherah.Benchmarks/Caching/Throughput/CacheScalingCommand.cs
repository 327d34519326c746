using System.Diagnostics;
using System.Globalization;
using System.Text;
using Asherah.Caching;

namespace Asherah.Benchmarks.Caching.Throughput;

/// <summary>
/// <c>cachescaling [--rounds N] [--hits N] [--policies a,b] [--out FILE]</c>: how much faster a warm cache serves hits on
/// 2 threads than on 1, as the median of paired rounds, written as a markdown table to stdout and FILE (default
/// <c>cache-scaling.md</c>).
/// </summary>
/// <remarks>
/// <para>
/// The same warm cache and Zipf(1.0) streams as <see cref="CacheHitThroughputBenchmarks"/> (<see cref="WarmCache"/>).
/// A round times N hits on 1 thread and N hits split between 2 threads, back to back (the order alternates from
/// round to round), and its speed-up is (1-thread time) / (2-thread time). On a shared 2-vCPU machine the 2-thread time
/// swings with whatever else the host runs; pairing the two measurements in each round and taking the median over
/// rounds keeps one noisy stretch from deciding the figure, which separate BenchmarkDotNet cases (minutes apart) do
/// not. The table gives the median, the lowest and the highest speed-up, and the median time per hit of each side.
/// </para>
/// <para>Threads are new per run and released together by a barrier; 3 unmeasured rounds warm up the JIT first.</para>
/// </remarks>
internal static class CacheScalingCommand
{
    public const string Name = "cachescaling";

    private const int WarmUpRounds = 3;

    public static int Run(string[] args)
    {
        int rounds = 21;
        int hits = 2_000_000;
        string[] policies = ["simple", "lru", "lfu", "slru", "tinylfu"];
        string output = "cache-scaling.md";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rounds" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out int r) && r > 0:
                    rounds = r;
                    i++;
                    break;
                case "--hits" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out int h) && h >= 2:
                    hits = h;
                    i++;
                    break;
                case "--policies" when i + 1 < args.Length:
                    policies = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    string? unknown = policies.FirstOrDefault(name => !BoundedCache.TryParsePolicy(name, out _));
                    if (policies.Length == 0 || unknown is not null)
                    {
                        Console.Error.WriteLine($"cachescaling: unknown policy '{unknown}' (known: {string.Join(", ", BoundedCache.PolicyNames)})");
                        return 2;
                    }

                    break;
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                default:
                    Console.Error.WriteLine($"cachescaling: unknown or incomplete option '{args[i]}'");
                    Console.Error.WriteLine("usage: cachescaling [--rounds N] [--hits N] [--policies simple,lru,lfu,slru,tinylfu] [--out FILE]");
                    return 2;
            }
        }

        var table = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Hits of a warm {WarmCache.Capacity:N0}-key cache, Zipf(1.0); {rounds} rounds of {hits:N0} hits on 1 thread and {hits:N0} on 2 threads, paired.")
            .AppendLine()
            .AppendLine("| policy | 1 thread, ns/hit (median) | 2 threads, ns/hit (median) | speed-up (median) | lowest | highest |")
            .AppendLine("|---|---:|---:|---:|---:|---:|");
        Console.Write(table);
        foreach (string policy in policies)
        {
            string row = Measure(policy, rounds, hits);
            Console.WriteLine(row);
            table.AppendLine(row);
        }

        File.WriteAllText(output, table.ToString());
        return 0;
    }

    private static string Measure(string policy, int rounds, int hits)
    {
        using var warm = WarmCache.Create(policy);
        int[][] alone = [warm.Stream(hits, 1000)];
        int[][] paired = [warm.Stream(hits / 2, 1000), warm.Stream(hits - (hits / 2), 1001)];
        var one = new double[rounds];
        var two = new double[rounds];
        var speedUps = new double[rounds];
        for (int round = -WarmUpRounds; round < rounds; round++)
        {
            bool oneFirst = (round & 1) == 0;
            double first = Time(warm, oneFirst ? alone : paired);
            double second = Time(warm, oneFirst ? paired : alone);
            if (round >= 0)
            {
                one[round] = (oneFirst ? first : second) / hits;
                two[round] = (oneFirst ? second : first) / hits;
                speedUps[round] = one[round] / two[round];
            }
        }

        Array.Sort(speedUps);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"| {policy} | {Median(one):F1} | {Median(two):F1} | {Median(speedUps):F2}× | {speedUps[0]:F2}× | {speedUps[^1]:F2}× |");
    }

    /// <summary>Nanoseconds for the threads (one per stream) to look up their streams.</summary>
    private static double Time(WarmCache warm, int[][] streams)
    {
        using var start = new Barrier(streams.Length + 1);
        long misses = 0;
        var threads = streams.Select(stream => new Thread(() =>
        {
            start.SignalAndWait();
            Interlocked.Add(ref misses, warm.LookUp(stream));
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        start.SignalAndWait();
        long began = Stopwatch.GetTimestamp();
        foreach (var thread in threads)
        {
            thread.Join();
        }

        double nanoseconds = Stopwatch.GetElapsedTime(began).Ticks * 100.0;
        if (misses > 0)
        {
            // A lookup that missed measured a miss, not a hit: say so rather than publish a wrong figure.
            throw new InvalidOperationException($"{misses} lookups missed in the warm {warm.Cache.Policy} cache.");
        }

        return nanoseconds;
    }

    private static double Median(double[] values)
    {
        double[] sorted = [.. values];
        Array.Sort(sorted);
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

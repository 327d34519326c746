using System.Diagnostics;
using System.Globalization;
using System.Text;
using Asherah.Benchmarks.Caching.Optimum;
using Asherah.Benchmarks.Caching.Traces;
using Asherah.Caching;

namespace Asherah.Benchmarks.Caching.HitRates;

/// <summary>
/// <c>hitrates [--quick] [--out FILE] [--policies lru,tinylfu] [--traces zipf-1.0,scan] [--sizes 1,10]</c>: replays every trace of <see cref="TraceCatalog"/>
/// through every policy at caches of 1 % and 10 % of the partitions, next to Belady's optimum on the same trace, and
/// writes the markdown table to stdout and FILE (default <c>cache-hitrates.md</c>). Progress goes to stderr.
/// </summary>
/// <remarks>
/// Each replay is single-threaded on a fresh cache and counts every access, first accesses included (so no cache
/// reaches 100 %). The whole run at full scale took 17 minutes on a heavily loaded 2-vCPU machine; <c>--quick</c> under
/// a minute (once adds of the hand-written policies are O(1); see scripts/bench-caches.sh).
/// </remarks>
internal static class HitRateCommand
{
    public const string Name = "hitrates";

    private static readonly (string Label, int Divisor)[] Sizes = [("1 %", 100), ("10 %", 10)];

    public static int Run(string[] args)
    {
        bool quick = false;
        string output = "cache-hitrates.md";
        var policies = Enum.GetValues<CacheEvictionPolicy>().ToList();
        HashSet<string>? traces = null;
        var sizes = Sizes.ToList();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--policies" when i + 1 < args.Length:
                    policies = [];
                    foreach (string name in args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!BoundedCache.TryParsePolicy(name, out var policy))
                        {
                            return Usage($"unknown policy '{name}' (known: {string.Join(", ", BoundedCache.PolicyNames)})");
                        }

                        policies.Add(policy.Value);
                    }

                    break;
                case "--traces" when i + 1 < args.Length:
                    traces = [.. args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    break;
                case "--sizes" when i + 1 < args.Length:
                    string[] percents = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    sizes = [.. Sizes.Where(s => percents.Contains(s.Label.Split(' ')[0]))];
                    if (sizes.Count != percents.Length)
                    {
                        return Usage($"--sizes takes 1 and/or 10 (percent of the partitions)");
                    }

                    break;
                default:
                    return Usage($"unknown or incomplete option '{args[i]}'");
            }
        }

        int keyCount = TraceCatalog.KeyCount(quick);
        var results = new List<HitRateResult>();
        var total = Stopwatch.StartNew();
        foreach (var entry in TraceCatalog.Standard(quick).Where(e => traces is null || traces.Contains(e.Name)))
        {
            var watch = Stopwatch.StartNew();
            var trace = entry.Generate();
            int distinct = trace.DistinctKeys();
            Progress($"{trace.Name}: {trace.Description}; {trace.Length:N0} accesses, {distinct:N0} distinct keys (generated in {watch.Elapsed.TotalSeconds:F1} s)");
            foreach (var (label, divisor) in sizes)
            {
                int capacity = keyCount / divisor;
                watch.Restart();
                long optimal = BeladyOptimum.Hits(trace.Keys, trace.KeySpace, capacity, allowBypass: true);
                long demand = BeladyOptimum.Hits(trace.Keys, trace.KeySpace, capacity, allowBypass: false);
                Progress($"  {label}: OPT {Rate(optimal, trace.Length)}, OPT admitting all {Rate(demand, trace.Length)} ({watch.Elapsed.TotalSeconds:F1} s)");
                var hits = new List<KeyValuePair<string, long>>();
                foreach (var policy in policies)
                {
                    watch.Restart();
                    long policyHits;
                    using (var cache = BoundedCache.Create<int, int>(policy, capacity))
                    {
                        policyHits = HitRateReplay.Hits(cache, trace.Keys);
                    }

                    hits.Add(new(BoundedCache.NameOf(policy), policyHits));
                    Progress($"  {label}: {BoundedCache.NameOf(policy)} {Rate(policyHits, trace.Length)} ({watch.Elapsed.TotalSeconds:F1} s)");
                }

                results.Add(new HitRateResult(trace.Name, trace.Length, distinct, capacity, label, optimal, demand, hits));
            }
        }

        var report = new StringBuilder();
        string scale = quick ? " (--quick)" : string.Empty;
        report.AppendLine(CultureInfo.InvariantCulture,
            $"Hit rates over {TraceCatalog.Length(quick):N0} accesses per trace, {keyCount:N0} partitions{scale}; in parentheses: points above (+) or below (−) OPT.");
        report.AppendLine();
        report.Append(HitRateTable.Format(results));
        File.WriteAllText(output, report.ToString());
        Console.Write(report);
        Progress($"hitrates: {total.Elapsed.TotalSeconds:F0} s; table written to {Path.GetFullPath(output)}");
        return 0;
    }

    private static string Rate(long hits, long accesses) =>
        (100.0 * hits / accesses).ToString("F2", CultureInfo.InvariantCulture) + " %";

    private static void Progress(string line) => Console.Error.WriteLine(line);

    private static int Usage(string problem)
    {
        Console.Error.WriteLine($"hitrates: {problem}");
        Console.Error.WriteLine("usage: hitrates [--quick] [--out FILE] [--policies simple,lru,lfu,slru,tinylfu] [--traces zipf-0.8,zipf-1.0,zipf-1.2,scan,shifting] [--sizes 1,10]");
        return 2;
    }
}

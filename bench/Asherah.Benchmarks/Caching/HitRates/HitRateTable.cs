using System.Globalization;
using System.Text;

namespace Asherah.Benchmarks.Caching.HitRates;

/// <summary>Writes hit-rate results as a markdown table: one row per trace and size, one column per policy.</summary>
/// <remarks>
/// <code>
/// | trace | cache | OPT | OPT (admit all) | simple (unbounded) | lru | … |
/// | zipf-1.0 | 1 % (10,000) | 55.20 % | 54.90 % | 90.10 % (+34.90) | 40.00 % (−15.20) | … |
/// </code>
/// A policy's cell is its hit rate and, in parentheses, its distance from OPT in percentage points.
/// </remarks>
internal static class HitRateTable
{
    public static string Format(IReadOnlyList<HitRateResult> results)
    {
        var text = new StringBuilder();
        if (results.Count == 0)
        {
            return text.ToString();
        }

        var policies = results[0].PolicyHits.Select(p => p.Key).ToList();
        text.Append("| trace | cache | OPT | OPT (admit all) |");
        foreach (string policy in policies)
        {
            text.Append(' ').Append(policy == "simple" ? "simple (unbounded)" : policy).Append(" |");
        }

        text.AppendLine();
        text.Append("|---|---|---:|---:|");
        text.Append(string.Concat(Enumerable.Repeat("---:|", policies.Count)));
        text.AppendLine();
        foreach (var result in results)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {result.Trace} | {result.CapacityLabel} ({result.Capacity:N0}) | ");
            text.Append(Percent(result.Rate(result.OptimalHits))).Append(" | ");
            text.Append(Percent(result.Rate(result.DemandOptimalHits))).Append(" |");
            foreach (var (_, hits) in result.PolicyHits)
            {
                double gap = result.GapPoints(hits);
                text.Append(CultureInfo.InvariantCulture, $" {Percent(result.Rate(hits))} ({(gap <= 0 ? "+" : "−")}{Math.Abs(gap):F2}) |");
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    private static string Percent(double rate) => (100 * rate).ToString("F2", CultureInfo.InvariantCulture) + " %";
}

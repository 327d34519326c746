namespace Asherah.Benchmarks.Caching.HitRates;

/// <summary>One trace at one cache size: the optimum and every policy's hits.</summary>
/// <param name="Trace">The trace's name.</param>
/// <param name="Accesses">Accesses replayed.</param>
/// <param name="DistinctKeys">Distinct keys in the trace (compulsory misses of every cache).</param>
/// <param name="Capacity">Cache capacity in keys.</param>
/// <param name="CapacityLabel">The capacity as a share of the partitions (<c>1 %</c>).</param>
/// <param name="OptimalHits">Belady's optimum, bypass allowed (the bound for every policy, admission filters included).</param>
/// <param name="DemandOptimalHits">Belady's optimum when every miss must be cached (the bound for always-admit policies).</param>
/// <param name="PolicyHits">Hits per policy name, in the order run.</param>
internal sealed record HitRateResult(
    string Trace,
    long Accesses,
    long DistinctKeys,
    int Capacity,
    string CapacityLabel,
    long OptimalHits,
    long DemandOptimalHits,
    IReadOnlyList<KeyValuePair<string, long>> PolicyHits)
{
    public double Rate(long hits) => (double)hits / Accesses;

    /// <summary>Percentage points below the optimum (negative when a policy beats it, as the unbounded one can).</summary>
    public double GapPoints(long hits) => 100.0 * (OptimalHits - hits) / Accesses;
}

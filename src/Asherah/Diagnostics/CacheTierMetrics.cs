namespace Asherah.Diagnostics;

/// <summary>
/// The hit, miss and eviction counters of one cache tier (<c>tier</c> = <c>system_key</c>, <c>intermediate_key</c> or
/// <c>session</c>), with the tag built once.
/// </summary>
/// <remarks>
/// A hit costs one <c>Counter&lt;long&gt;.Add</c> with a prebuilt tag: no lock and no allocation; with no listener the
/// counter returns at once.
/// </remarks>
internal sealed class CacheTierMetrics(AsherahMetrics metrics, string tier)
{
    public const string SystemKey = "system_key";
    public const string IntermediateKey = "intermediate_key";
    public const string Session = "session";

    private readonly KeyValuePair<string, object?> _tag = new("tier", tier);

    public string Tier { get; } = tier;

    public void Hit() => metrics.CacheHits.Add(1, _tag);

    public void Miss() => metrics.CacheMisses.Add(1, _tag);

    public void Evicted() => metrics.CacheEvictions.Add(1, _tag);
}

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
    private readonly KeyValuePair<string, object?> _shrink = new("direction", "shrink");
    private readonly KeyValuePair<string, object?> _grow = new("direction", "grow");

    public string Tier { get; } = tier;

    public void Hit()
    {
        // Enabled is one field read; without a listener the hit path skips the call altogether.
        var hits = metrics.CacheHits;
        if (hits.Enabled)
        {
            hits.Add(1, _tag);
        }
    }

    public void Miss() => metrics.CacheMisses.Add(1, _tag);

    public void Evicted() => metrics.CacheEvictions.Add(1, _tag);

    /// <summary>Counts a change of capacity under memory pressure (<c>direction</c> = shrink|grow).</summary>
    public void Resized(bool shrink) => metrics.CacheResizes.Add(1, _tag, shrink ? _shrink : _grow);
}

using System.Diagnostics.Metrics;

namespace Asherah.Diagnostics;

/// <summary>
/// The core's instruments, on the meter named <c>Asherah</c>. Dimensions are tags (<c>tier</c>), never part of names.
/// </summary>
/// <remarks>
/// Instruments: <c>asherah.envelope.encryptions</c> and <c>asherah.envelope.decryptions</c> (records),
/// <c>asherah.keys.loaded</c> and <c>asherah.keys.created</c> (keys, tagged <c>tier</c> = system|intermediate),
/// <c>asherah.sessions.cached</c> (sessions in the session cache), and per cache tier (tagged <c>tier</c> =
/// system_key|intermediate_key|session) <c>asherah.cache.hits</c> (lookups answered from the cache),
/// <c>asherah.cache.misses</c> (loads because an entry was absent or due for its revocation check: one per load, however
/// many callers waited on it) and <c>asherah.cache.evictions</c> (entries dropped for capacity or idleness); with
/// memory-pressure shrinking on, <c>asherah.cache.resizes</c> (capacity changes, tagged <c>tier</c> and
/// <c>direction</c> = shrink|grow) and <c>asherah.cache.capacity</c> (the capacity in force of each bounded cache the
/// policy watches, tagged <c>tier</c>).
/// <para>
/// Lifetime: a meter this class creates is disposed with it (a live <see cref="Meter"/> is reachable from a static
/// list, so an undisposed one would keep its instruments and their callbacks alive). A meter from an
/// <see cref="IMeterFactory"/> belongs to that factory, which hands the same meter to every caller, so it is left alone;
/// its instruments outlive us, and the session-cache gauge therefore holds its source only weakly and reports nothing
/// once the source is gone or disposed.
/// </para>
/// </remarks>
internal sealed class AsherahMetrics : IDisposable
{
    public const string MeterName = "Asherah";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public AsherahMetrics(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        Encryptions = _meter.CreateCounter<long>("asherah.envelope.encryptions", "{record}", "Records encrypted.");
        Decryptions = _meter.CreateCounter<long>("asherah.envelope.decryptions", "{record}", "Records decrypted.");
        KeysLoaded = _meter.CreateCounter<long>("asherah.keys.loaded", "{key}", "Keys loaded from the metastore and decrypted.");
        KeysCreated = _meter.CreateCounter<long>("asherah.keys.created", "{key}", "Keys created and stored.");
        CacheHits = _meter.CreateCounter<long>("asherah.cache.hits", "{lookup}", "Cache lookups answered from the cache.");
        CacheMisses = _meter.CreateCounter<long>("asherah.cache.misses", "{lookup}", "Cache lookups that loaded the entry.");
        CacheEvictions = _meter.CreateCounter<long>("asherah.cache.evictions", "{entry}", "Cache entries dropped for capacity or idleness.");
        CacheRefreshes = _meter.CreateCounter<long>("asherah.cache.refreshes", "{check}", "Re-checks of a cached key's record (tags tier, mode = inline | background, outcome = succeeded | failed).");
        CacheResizes = _meter.CreateCounter<long>("asherah.cache.resizes", "{resize}", "Cache capacity changes under memory pressure.");
        SystemKeyCache = new CacheTierMetrics(this, CacheTierMetrics.SystemKey);
        IntermediateKeyCache = new CacheTierMetrics(this, CacheTierMetrics.IntermediateKey);
        SessionCache = new CacheTierMetrics(this, CacheTierMetrics.Session);
    }

    public Counter<long> Encryptions { get; }

    public Counter<long> Decryptions { get; }

    public Counter<long> KeysLoaded { get; }

    public Counter<long> KeysCreated { get; }

    /// <summary>The meter, for instruments defined elsewhere (<see cref="DependencyMetrics"/>).</summary>
    public Meter Meter => _meter;

    public Counter<long> CacheHits { get; }

    public Counter<long> CacheMisses { get; }

    public Counter<long> CacheEvictions { get; }

    /// <summary>Re-reads of a cached key's record after its revoke-check interval (or ahead of it, in the background).</summary>
    public Counter<long> CacheRefreshes { get; }
    public Counter<long> CacheResizes { get; }

    public CacheTierMetrics SystemKeyCache { get; }

    public CacheTierMetrics IntermediateKeyCache { get; }

    public CacheTierMetrics SessionCache { get; }

    /// <summary>
    /// Reports <paramref name="count"/> of <paramref name="source"/> as <c>asherah.sessions.cached</c> while the source
    /// is alive and the count is not <see langword="null"/>; the gauge does not keep the source alive.
    /// </summary>
    public void ObserveSessionCache<TSource>(TSource source, Func<TSource, int?> count)
        where TSource : class
    {
        var weak = new WeakReference<TSource>(source);
        _meter.CreateObservableGauge("asherah.sessions.cached", () => Observe(weak, count), "{session}", "Sessions in the session cache.");
    }

    /// <summary>
    /// Reports the capacities <paramref name="capacities"/> gives for <paramref name="source"/> as
    /// <c>asherah.cache.capacity</c>, one measurement per tier, leaving out unbounded caches (<see cref="int.MaxValue"/>);
    /// the gauge does not keep the source alive.
    /// </summary>
    public void ObserveCacheCapacities<TSource>(TSource source, Func<TSource, IEnumerable<(string Tier, int Capacity)>> capacities)
        where TSource : class
    {
        var weak = new WeakReference<TSource>(source);
        _meter.CreateObservableGauge(
            "asherah.cache.capacity",
            () => weak.TryGetTarget(out var target)
                ? capacities(target).Where(static c => c.Capacity != int.MaxValue).Select(static c => new Measurement<int>(c.Capacity, new KeyValuePair<string, object?>("tier", c.Tier)))
                : [],
            "{entry}",
            "The capacity in force of a cache that shrinks under memory pressure.");
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private static Measurement<int>[] Observe<TSource>(WeakReference<TSource> weak, Func<TSource, int?> count)
        where TSource : class =>
        weak.TryGetTarget(out var source) && count(source) is int value ? [new Measurement<int>(value)] : [];
}

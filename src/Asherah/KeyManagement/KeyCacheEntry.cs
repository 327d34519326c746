using Asherah.Keys;

namespace Asherah.KeyManagement;

/// <summary>
/// A cached key, when its record was last read, and (with background refresh) when it is next re-checked; the cache
/// owns one reference to the key.
/// </summary>
internal sealed class KeyCacheEntry(CryptoKey key, long loadedAt, long refreshAt)
{
    private long _loadedAt = loadedAt;
    private long _refreshAt = refreshAt;
    private int _refreshing;
    private int _failures;

    public CryptoKey Key { get; } = key;

    /// <summary>When the key's record was last read, UTC ticks.</summary>
    public long LoadedAt => Volatile.Read(ref _loadedAt);

    /// <summary>With background refresh: from when (UTC ticks) a use of the key schedules a re-check.</summary>
    public long RefreshAt => Volatile.Read(ref _refreshAt);

    /// <summary>Consecutive failed background re-checks (for the back-off).</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>Marks the record as just read; the next re-check is due at <paramref name="refreshAt"/>.</summary>
    public void Touch(long nowTicks, long refreshAt)
    {
        Volatile.Write(ref _loadedAt, nowTicks);
        Volatile.Write(ref _refreshAt, refreshAt);
        Volatile.Write(ref _failures, 0);
    }

    /// <summary>Records a failed re-check: the next one is due at <paramref name="retryAt"/>.</summary>
    public void Failed(long retryAt)
    {
        Interlocked.Increment(ref _failures);
        Volatile.Write(ref _refreshAt, retryAt);
    }

    /// <summary>Claims the entry's one re-check at a time; <see langword="false"/> when one is scheduled or running.</summary>
    public bool TryBeginRefresh() => Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0;

    /// <summary>Ends the re-check claimed by <see cref="TryBeginRefresh"/>.</summary>
    public void EndRefresh() => Volatile.Write(ref _refreshing, 0);
}

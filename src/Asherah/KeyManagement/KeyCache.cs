using System.Runtime.CompilerServices;
using Asherah.Caching;
using Asherah.Diagnostics;
using Asherah.Keys;

namespace Asherah.KeyManagement;

/// <summary>
/// Decrypted keys by (key id, created), in a bounded cache of the tier's <see cref="CacheEvictionPolicy"/>, with the
/// newest key of the ring's own id at hand for writes.
/// </summary>
/// <remarks>
/// Reads take no lock of ours (the policy's own costs: <see cref="CacheEvictionPolicy"/>). An entry is fresh while it
/// was loaded less than the revoke-check interval ago, or once it is known revoked (a final state); a stale entry is
/// re-checked against the metastore by the owning ring, which then marks it fresh. With
/// <see cref="CryptoPolicy.BackgroundKeyRefresh"/> every entry is served however old, and a use of an entry whose
/// <see cref="KeyCacheEntry.RefreshAt"/> has passed hands it to the context's <see cref="KeyRefresher"/> (one re-check
/// per entry at a time): one more comparison on a hit, and no lock.
/// <para>
/// Ownership: the store owns one reference to every key in it and drops it when the entry leaves (evicted, or at
/// dispose); an operation holds its own reference (<see cref="CryptoKey.TryAcquire"/>), so a key evicted under an
/// operation is wiped when that operation releases it, never before. <c>_latest</c> may still point to an evicted
/// entry: it is used only through <see cref="CryptoKey.TryAcquire"/>, which fails once the key is freed.
/// </para>
/// <para>
/// A per-ring cache owns its store and disposes it with the ring. The shared intermediate-key store
/// (<see cref="CryptoPolicy.SharedIntermediateKeyCache"/>) belongs to the <see cref="KeyContext"/>; rings only use it.
/// </para>
/// </remarks>
internal sealed class KeyCache : IDisposable
{
    private readonly IBoundedCache<CachedKeyId, KeyCacheEntry> _store;
    private readonly bool _ownsStore;

    // Bounded stores must see every hit (or the policy would evict the hottest key); an unbounded one never evicts, so
    // the ring's newest key can be served from _latest without a lookup.
    private readonly bool _bounded;
    private readonly string _latestKeyId;
    private readonly int _latestKeyIdHash;
    private readonly long _revokeCheckTicks;
    private readonly long _refreshAheadTicks;
    private readonly KeyRing _owner;
    private readonly KeyRefresher? _refresher;
    private readonly TimeProvider _time;
    private readonly CacheTierMetrics _metrics;
    private readonly Lock _latestLock = new();
    private volatile KeyCacheEntry? _latest;
    private volatile bool _disposed;

    private KeyCache(KeyRing owner, KeyContext context, CacheTierMetrics metrics, IBoundedCache<CachedKeyId, KeyCacheEntry> store, bool ownsStore)
    {
        _owner = owner;
        _latestKeyId = owner.KeyId;
        _latestKeyIdHash = CachedKeyId.HashOf(owner.KeyId);
        _time = context.Time;
        _refresher = context.Refresher;
        long interval = context.Policy.RevokeCheckInterval.Ticks;
        if (_refresher is null || interval == long.MaxValue)
        {
            // Inline: a stale entry is not served; the ring re-reads it while the caller waits.
            _revokeCheckTicks = interval;
            _refreshAheadTicks = long.MaxValue;
        }
        else
        {
            // Background: every entry is served; a use after RefreshAt schedules the re-check.
            _revokeCheckTicks = long.MaxValue;
            _refreshAheadTicks = Math.Max(1, (long)(interval * context.Policy.RefreshAheadFraction));
        }

        _metrics = metrics;
        _store = store;
        _ownsStore = ownsStore;
        _bounded = store.Policy != CacheEvictionPolicy.Simple;
    }

    /// <summary>Cached keys of this ring (O(n) when the store is shared: for tests and diagnostics).</summary>
    public int Count => _ownsStore ? _store.Count : Keys.Count;

    /// <summary>A snapshot of this ring's cached keys (for tests and diagnostics).</summary>
    public IReadOnlyList<CryptoKey> Keys =>
        [.. _store.Snapshot().Where(p => _ownsStore || IsOwn(p.Key.KeyId)).Select(p => p.Value.Key)];

    /// <summary>The system-key cache of a factory's ring: its own store, of the policy's system-key settings.</summary>
    public static KeyCache ForSystemKeys(KeyContext context, KeyRing ring) =>
        new(ring, context, context.Metrics.SystemKeyCache, NewStore(context.Policy.SystemKeyCacheEvictionPolicy, context.Policy.SystemKeyCacheMaxSize, context.Metrics.SystemKeyCache), ownsStore: true);

    /// <summary>The intermediate-key cache of a partition's ring: the context's shared store, or a store of its own.</summary>
    public static KeyCache ForIntermediateKeys(KeyContext context, KeyRing ring) =>
        context.SharedIntermediateKeys is { } shared
            ? new(ring, context, context.Metrics.IntermediateKeyCache, shared, ownsStore: false)
            : new(ring, context, context.Metrics.IntermediateKeyCache, NewIntermediateKeyStore(context.Policy, context.Metrics), ownsStore: true);

    /// <summary>A store for intermediate keys under the policy's settings (one per ring, or the factory's shared one).</summary>
    public static IBoundedCache<CachedKeyId, KeyCacheEntry> NewIntermediateKeyStore(CryptoPolicy policy, AsherahMetrics metrics) =>
        NewStore(policy.IntermediateKeyCacheEvictionPolicy, policy.IntermediateKeyCacheMaxSize, metrics.IntermediateKeyCache);

    /// <summary>A fresh cached key with a reference taken for the caller, or <see langword="null"/>.</summary>
    /// <param name="keyId">The key id.</param>
    /// <param name="created">The key's creation time, Unix seconds.</param>
    /// <param name="nowTicks">The current time as UTC ticks (the caller's one clock read per operation).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public CryptoKey? TryGet(string keyId, long created, long nowTicks)
    {
        var entry = _latest;
        if ((_bounded || entry is null || entry.Key.Created != created || !IsOwn(keyId)) && !_store.TryGet(Id(keyId, created), out entry))
        {
            return null;
        }

        if (IsFresh(entry, nowTicks) && entry.Key.TryAcquire())
        {
            _metrics.Hit();
            if (nowTicks >= entry.RefreshAt)
            {
                ScheduleRefresh(keyId, entry);
            }

            return entry.Key;
        }

        return null;
    }

    /// <summary>The newest fresh key of the ring's own id with a reference taken for the caller, or <see langword="null"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public CryptoKey? TryGetLatest(long nowTicks)
    {
        var entry = _latest;
        if (entry is not null && IsFresh(entry, nowTicks) && entry.Key.TryAcquire())
        {
            if (_bounded && !_store.TryGet(new CachedKeyId(_latestKeyId, _latestKeyIdHash, entry.Key.Created), out _))
            {
                // Tells the policy of the hit; when the entry was evicted, the key (still referenced) serves this
                // operation and the next one reloads it.
                Interlocked.CompareExchange(ref _latest, null, entry);
            }

            _metrics.Hit();
            if (nowTicks >= entry.RefreshAt)
            {
                ScheduleRefresh(_latestKeyId, entry);
            }

            return entry.Key;
        }

        return null;
    }

    /// <summary>Whether <paramref name="entry"/> is the ring's newest key (the one writes use).</summary>
    public bool IsLatest(KeyCacheEntry entry) => ReferenceEquals(_latest, entry);

    /// <summary>Counts a load the ring makes because a key was absent or stale (once per load, not per waiter).</summary>
    public void CountMiss() => _metrics.Miss();

    /// <summary>Whether the pair is cached, fresh or not.</summary>
    public bool Contains(string keyId, long created) => _store.TryGet(Id(keyId, created), out _);

    /// <summary>
    /// Marks a cached key as just checked (with its current revocation state) and returns it, cache-owned; or
    /// <see langword="null"/> when it is not cached.
    /// </summary>
    public CryptoKey? Refresh(string keyId, long created, bool revoked)
    {
        if (!_store.TryGet(Id(keyId, created), out var entry))
        {
            return null;
        }

        Refresh(entry, revoked);
        UpdateLatest(keyId, entry);
        return entry.Key;
    }

    /// <summary>Marks an entry (cached or just evicted) as just checked, with its current revocation state.</summary>
    public void Refresh(KeyCacheEntry entry, bool revoked)
    {
        entry.Key.Revoked = revoked;
        long now = _time.GetUtcNow().UtcTicks;
        entry.Touch(now, NextRefresh(now, revoked));
    }

    /// <summary>Records a failed background re-check of <paramref name="entry"/>; returns the delay before the next.</summary>
    public TimeSpan RefreshFailed(KeyCacheEntry entry)
    {
        // 1 s, doubling with each consecutive failure, at most a minute (and never later than a normal re-check).
        var delay = TimeSpan.FromSeconds(Math.Min(60, 1L << Math.Min(entry.Failures, 6)));
        long wait = Math.Min(delay.Ticks, _refreshAheadTicks);
        entry.Failed(SaturatingAdd(_time.GetUtcNow().UtcTicks, wait));
        return TimeSpan.FromTicks(wait);
    }

    /// <summary>
    /// Adds a key the caller owns; the cache takes ownership. When the pair is already cached, the cached key is kept
    /// (refreshed) and <paramref name="key"/> is freed. Returns the cache-owned key (which eviction may free at any
    /// time: take a reference with <see cref="CryptoKey.TryAcquire"/> before use).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The cache was disposed; <paramref name="key"/> has been freed.</exception>
    public CryptoKey Add(string keyId, CryptoKey key)
    {
        var id = Id(keyId, key.Created);
        long now = _time.GetUtcNow().UtcTicks;
        var entry = new KeyCacheEntry(key, now, NextRefresh(now, key.Revoked));
        while (!_disposed)
        {
            if (_store.TryAdd(id, entry))
            {
                UpdateLatest(keyId, entry);
                return key;
            }

            if (Refresh(keyId, key.Created, key.Revoked) is { } cached)
            {
                key.ReleaseOwner();
                return cached;
            }

            // Neither added nor found: the entry was evicted between the two calls, or the shared store was disposed
            // (which disposes this ring first, ending the loop).
        }

        key.ReleaseOwner();
        throw new ObjectDisposedException(nameof(KeyCache));
    }

    public void Dispose()
    {
        _disposed = true;
        _latest = null;
        if (_ownsStore)
        {
            _store.Dispose();
        }
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    /// <summary>When an entry checked at <paramref name="nowTicks"/> is next re-checked in the background (never when revoked: a final state).</summary>
    private long NextRefresh(long nowTicks, bool revoked) =>
        revoked || _refreshAheadTicks == long.MaxValue ? long.MaxValue : SaturatingAdd(nowTicks, _refreshAheadTicks);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ScheduleRefresh(string keyId, KeyCacheEntry entry)
    {
        if (!_disposed && entry.TryBeginRefresh())
        {
            _refresher!.Schedule(_owner, keyId, entry);
        }
    }

    private static IBoundedCache<CachedKeyId, KeyCacheEntry> NewStore(CacheEvictionPolicy policy, int capacity, CacheTierMetrics metrics) =>
        BoundedCache.Create<CachedKeyId, KeyCacheEntry>(policy, capacity, (_, entry) =>
        {
            entry.Key.ReleaseOwner();
            metrics.Evicted();
        });

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private CachedKeyId Id(string keyId, long created) =>
        new(keyId, IsOwn(keyId) ? _latestKeyIdHash : CachedKeyId.HashOf(keyId), created);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsOwn(string keyId) => ReferenceEquals(keyId, _latestKeyId) || string.Equals(keyId, _latestKeyId, StringComparison.Ordinal);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsFresh(KeyCacheEntry entry, long nowTicks) =>
        entry.Key.Revoked
        || _revokeCheckTicks == long.MaxValue
        || nowTicks - entry.LoadedAt < _revokeCheckTicks;

    private void UpdateLatest(string keyId, KeyCacheEntry entry)
    {
        if (!IsOwn(keyId))
        {
            return;
        }

        lock (_latestLock)
        {
            var latest = _latest;
            if (!_disposed && (latest is null || entry.Key.Created >= latest.Key.Created))
            {
                _latest = entry;
            }
        }
    }
}

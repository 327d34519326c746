using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Asherah.Keys;

namespace Asherah.KeyManagement;

/// <summary>
/// Decrypted keys by (key id, created), with the newest key of one id (the ring's own) at hand for writes.
/// </summary>
/// <remarks>
/// Reads take no lock. An entry is fresh while it was loaded less than the revoke-check interval ago, or once it is
/// known revoked (a final state); a stale entry is re-checked against the metastore by the owning ring, which then
/// replaces it with a new entry. The cache owns one reference to every key in it and drops them all on dispose.
/// </remarks>
internal sealed class KeyCache : IDisposable
{
    // The ring's own id is looked up on every operation: key it by created alone so the hot path hashes a long, not a
    // string. Other ids (another region's keys) are rarer and keyed by (id, created).
    private readonly ConcurrentDictionary<long, Entry> _own = new();
    private readonly ConcurrentDictionary<(string KeyId, long Created), Entry> _foreign = new();
    private readonly string _latestKeyId;
    private readonly long _revokeCheckTicks;
    private readonly TimeProvider _time;
    private readonly Lock _latestLock = new();
    private volatile Entry? _latest;
    private volatile bool _disposed;

    public KeyCache(string latestKeyId, TimeSpan revokeCheckInterval, TimeProvider time)
    {
        _latestKeyId = latestKeyId;
        _time = time;
        _revokeCheckTicks = revokeCheckInterval.Ticks;
    }

    public int Count => _own.Count + _foreign.Count;

    /// <summary>A snapshot of the cached keys (for tests and diagnostics).</summary>
    public IReadOnlyList<CryptoKey> Keys => [.. _own.Values.Select(e => e.Key), .. _foreign.Values.Select(e => e.Key)];

    /// <summary>A fresh cached key with a reference taken for the caller, or <see langword="null"/>.</summary>
    /// <param name="keyId">The key id.</param>
    /// <param name="created">The key's creation time, Unix seconds.</param>
    /// <param name="nowTicks">The current time as UTC ticks (the caller's one clock read per operation).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public CryptoKey? TryGet(string keyId, long created, long nowTicks)
    {
        if (TryGetEntry(keyId, created, out var entry) && IsFresh(entry, nowTicks) && entry.Key.TryAcquire())
        {
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
            return entry.Key;
        }

        return null;
    }

    /// <summary>Whether the pair is cached, fresh or not.</summary>
    public bool Contains(string keyId, long created) => TryGetEntry(keyId, created, out _);

    /// <summary>
    /// Marks a cached key as just checked (with its current revocation state) and returns it, cache-owned; or
    /// <see langword="null"/> when it is not cached.
    /// </summary>
    public CryptoKey? Refresh(string keyId, long created, bool revoked)
    {
        if (!TryGetEntry(keyId, created, out var entry))
        {
            return null;
        }

        entry.Key.Revoked = revoked;
        var renewed = new Entry(entry.Key, _time.GetUtcNow().UtcTicks);
        if (IsOwn(keyId))
        {
            _own.TryUpdate(created, renewed, entry);
        }
        else
        {
            _foreign.TryUpdate((keyId, created), renewed, entry);
        }

        UpdateLatest(keyId, renewed);
        return entry.Key;
    }

    /// <summary>
    /// Adds a key the caller owns; the cache takes ownership. When the pair is already cached, the cached key is kept
    /// (refreshed) and <paramref name="key"/> is freed. Returns the cache-owned key.
    /// </summary>
    public CryptoKey Add(string keyId, CryptoKey key)
    {
        if (_disposed)
        {
            key.ReleaseOwner();
            throw new ObjectDisposedException(nameof(KeyCache));
        }

        var entry = new Entry(key, _time.GetUtcNow().UtcTicks);
        var stored = IsOwn(keyId) ? _own.GetOrAdd(key.Created, entry) : _foreign.GetOrAdd((keyId, key.Created), entry);
        if (stored != entry)
        {
            if (stored.Key == key)
            {
                return key;
            }

            bool revoked = key.Revoked;
            key.ReleaseOwner();
            return Refresh(keyId, stored.Key.Created, revoked) ?? stored.Key;
        }

        UpdateLatest(keyId, entry);
        if (_disposed)
        {
            // Dispose ran concurrently and may have missed this entry.
            DropAll();
        }

        return key;
    }

    public void Dispose()
    {
        _disposed = true;
        DropAll();
    }

    private void DropAll()
    {
        _latest = null;
        foreach (var pair in _own)
        {
            if (_own.TryRemove(pair))
            {
                pair.Value.Key.ReleaseOwner();
            }
        }

        foreach (var pair in _foreign)
        {
            if (_foreign.TryRemove(pair))
            {
                pair.Value.Key.ReleaseOwner();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsOwn(string keyId) => ReferenceEquals(keyId, _latestKeyId) || string.Equals(keyId, _latestKeyId, StringComparison.Ordinal);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryGetEntry(string keyId, long created, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Entry entry) =>
        IsOwn(keyId) ? _own.TryGetValue(created, out entry) : _foreign.TryGetValue((keyId, created), out entry);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsFresh(Entry entry, long nowTicks) =>
        entry.Key.Revoked
        || _revokeCheckTicks == long.MaxValue
        || nowTicks - entry.LoadedAt < _revokeCheckTicks;

    private void UpdateLatest(string keyId, Entry entry)
    {
        if (!IsOwn(keyId))
        {
            return;
        }

        lock (_latestLock)
        {
            var latest = _latest;
            if (latest is null || entry.Key.Created >= latest.Key.Created)
            {
                _latest = entry;
            }
        }
    }

    private sealed class Entry(CryptoKey key, long loadedAt)
    {
        public CryptoKey Key { get; } = key;

        /// <summary>When the key's record was last read, UTC ticks.</summary>
        public long LoadedAt { get; } = loadedAt;
    }
}

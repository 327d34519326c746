using System.Collections.Concurrent;

namespace Asherah.Caching;

/// <summary><see cref="CacheEvictionPolicy.Simple"/>: a <see cref="ConcurrentDictionary{TKey, TValue}"/> that never evicts.</summary>
/// <remarks>Hits are one lock-free dictionary read. The callback runs only for the entries left at dispose.</remarks>
internal sealed class UnboundedCache<TKey, TValue> : IBoundedCache<TKey, TValue>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, CacheSlot<TValue>> _map;
    private readonly Action<TKey, TValue>? _onEvicted;
    private volatile bool _disposed;

    public UnboundedCache(Action<TKey, TValue>? onEvicted, IEqualityComparer<TKey>? comparer)
    {
        _map = new ConcurrentDictionary<TKey, CacheSlot<TValue>>(comparer);
        _onEvicted = onEvicted;
    }

    public CacheEvictionPolicy Policy => CacheEvictionPolicy.Simple;

    public int Count => _map.Count;

    public int Capacity => int.MaxValue;

    public bool TryGet(TKey key, out TValue value)
    {
        if (_map.TryGetValue(key, out var slot))
        {
            value = slot.Value;
            return true;
        }

        value = default!;
        return false;
    }

    public bool TryAdd(TKey key, TValue value)
    {
        if (_disposed)
        {
            return false;
        }

        var slot = new CacheSlot<TValue>(value);
        if (!_map.TryAdd(key, slot))
        {
            return false;
        }

        if (_disposed && slot.TryClaim())
        {
            // Dispose ran meanwhile and missed this entry: take it back, the caller still owns the value.
            _map.TryRemove(new KeyValuePair<TKey, CacheSlot<TValue>>(key, slot));
            return false;
        }

        return true;
    }

    public bool TryRemove(TKey key, out TValue value)
    {
        if (_map.TryRemove(key, out var slot) && slot.TryClaim())
        {
            value = slot.Value;
            return true;
        }

        value = default!;
        return false;
    }

    public IReadOnlyList<KeyValuePair<TKey, TValue>> Snapshot() =>
        [.. _map.Select(static p => new KeyValuePair<TKey, TValue>(p.Key, p.Value.Value))];

    public void Dispose()
    {
        _disposed = true;
        foreach (var pair in _map)
        {
            if (_map.TryRemove(pair) && pair.Value.TryClaim())
            {
                _onEvicted?.Invoke(pair.Key, pair.Value.Value);
            }
        }
    }
}

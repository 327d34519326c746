using System.Collections.Concurrent;

namespace Asherah.Caching;

/// <summary><see cref="CacheEvictionPolicy.Simple"/>: a <see cref="ConcurrentDictionary{TKey, TValue}"/> that never evicts.</summary>
/// <remarks>
/// Hits are one lock-free dictionary read. The callback runs for the entries left at dispose and for those a
/// <see cref="Resize"/> trims. Under memory pressure there is no capacity to lower: <see cref="Resize"/> trims the
/// cache at once to the number of entries asked for (arbitrary ones, in the dictionary's enumeration order: the policy
/// keeps no order to go by) and the cache then grows freely again, so <see cref="Capacity"/> stays
/// <see cref="int.MaxValue"/>. A memory-pressure monitor therefore trims it again at each reading under pressure and
/// has nothing to grow back.
/// </remarks>
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

    public int MaximumCapacity => int.MaxValue;

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

    public int Resize(int capacity)
    {
        int target = Math.Clamp(capacity, 1, MaximumCapacity);
        if (target == int.MaxValue || _disposed)
        {
            return int.MaxValue;
        }

        // Count takes every bucket lock once; concurrent adds may leave a few more than target, as a trim does.
        int surplus = _map.Count - target;
        foreach (var pair in _map)
        {
            if (surplus <= 0)
            {
                break;
            }

            if (_map.TryRemove(pair) && pair.Value.TryClaim())
            {
                surplus--;
                _onEvicted?.Invoke(pair.Key, pair.Value.Value);
            }
        }

        return int.MaxValue;
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

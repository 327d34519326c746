using System.Collections.Concurrent;

namespace Asherah.Caching;

/// <summary>
/// The frame of the hand-written policies (<see cref="CacheEvictionPolicy.Lfu"/>, <see cref="CacheEvictionPolicy.Slru"/>):
/// a <see cref="ConcurrentDictionary{TKey, TValue}"/> for lookups and one lock over the policy's lists.
/// </summary>
/// <remarks>
/// Costs: a hit is a lock-free dictionary read plus, for the policy's bookkeeping (a frequency bump, a promotion), one
/// <c>Lock.TryEnter</c> without waiting: uncontended that is one interlocked operation (about 20 ns), and when another
/// thread holds the lock the hit skips its bookkeeping rather than queue (the policy sees a sample of the hits under
/// contention, as Caffeine's lossy read buffer does). Adds and removes take the lock (they follow a miss, which costs
/// a metastore read anyway), evict at most one entry each, before the insert, so Count never exceeds Capacity. Eviction
/// callbacks run after the lock is released.
/// </remarks>
internal abstract class LockedPolicyCache<TKey, TValue> : IBoundedCache<TKey, TValue>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, CacheNode<TKey, TValue>> _map;
    private readonly Action<TKey, TValue>? _onEvicted;
    private readonly Lock _sync = new();
    private bool _disposed;

    protected LockedPolicyCache(int capacity, Action<TKey, TValue>? onEvicted, IEqualityComparer<TKey>? comparer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _onEvicted = onEvicted;
        _map = new ConcurrentDictionary<TKey, CacheNode<TKey, TValue>>(comparer);
    }

    public abstract CacheEvictionPolicy Policy { get; }

    public int Count => _map.Count;

    public int Capacity { get; }

    public bool TryGet(TKey key, out TValue value)
    {
        if (_map.TryGetValue(key, out var node))
        {
            if (_sync.TryEnter())
            {
                try
                {
                    // The node may have left the cache between the lookup and the lock.
                    if (node.List is not null)
                    {
                        OnHit(node);
                    }
                }
                finally
                {
                    _sync.Exit();
                }
            }

            value = node.Value;
            return true;
        }

        value = default!;
        return false;
    }

    public bool TryAdd(TKey key, TValue value)
    {
        CacheNode<TKey, TValue>? victim = null;
        lock (_sync)
        {
            if (_disposed || _map.ContainsKey(key))
            {
                return false;
            }

            if (_map.Count >= Capacity)
            {
                victim = SelectVictim();
                Unlink(victim);
                _map.TryRemove(victim.Key, out _);
            }

            var node = new CacheNode<TKey, TValue>(key, value);
            _map[key] = node;
            OnAdd(node);
        }

        if (victim is not null)
        {
            _onEvicted?.Invoke(victim.Key, victim.Value);
        }

        return true;
    }

    public bool TryRemove(TKey key, out TValue value)
    {
        lock (_sync)
        {
            if (_map.TryRemove(key, out var node))
            {
                Unlink(node);
                value = node.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    public IReadOnlyList<KeyValuePair<TKey, TValue>> Snapshot() =>
        [.. _map.Select(static p => new KeyValuePair<TKey, TValue>(p.Key, p.Value.Value))];

    public void Dispose()
    {
        CacheNode<TKey, TValue>[] left;
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            left = [.. _map.Values];
            _map.Clear();
            Clear();
            foreach (var node in left)
            {
                node.List = null;
            }
        }

        foreach (var node in left)
        {
            _onEvicted?.Invoke(node.Key, node.Value);
        }
    }

    /// <summary>Records a hit on a node in the cache (under the lock).</summary>
    protected abstract void OnHit(CacheNode<TKey, TValue> node);

    /// <summary>Places a new node (under the lock; there is room for it).</summary>
    protected abstract void OnAdd(CacheNode<TKey, TValue> node);

    /// <summary>The node to evict from a full cache (under the lock).</summary>
    protected abstract CacheNode<TKey, TValue> SelectVictim();

    /// <summary>Takes a node out of the policy's lists (under the lock).</summary>
    protected abstract void Unlink(CacheNode<TKey, TValue> node);

    /// <summary>Forgets every list (under the lock, at dispose).</summary>
    protected abstract void Clear();
}

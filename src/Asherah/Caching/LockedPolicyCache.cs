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
/// a metastore read anyway), evict at most one entry each, before the insert, so Count never exceeds Capacity. A
/// <see cref="Resize"/> to a smaller capacity evicts the surplus at once under the lock, victim by victim in the
/// policy's order. Eviction callbacks run after the lock is released.
/// </remarks>
internal abstract class LockedPolicyCache<TKey, TValue> : IBoundedCache<TKey, TValue>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, CacheNode<TKey, TValue>> _map;
    private readonly Action<TKey, TValue>? _onEvicted;
    private readonly Lock _sync = new();
    private bool _disposed;

    // Entries, kept under the lock: ConcurrentDictionary.Count would take every one of its bucket locks on each add.
    private int _count;

    // The capacity in force: written under the lock (Resize), read without it by Capacity.
    private volatile int _capacity;

    protected LockedPolicyCache(int capacity, Action<TKey, TValue>? onEvicted, IEqualityComparer<TKey>? comparer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        MaximumCapacity = capacity;
        _capacity = capacity;
        _onEvicted = onEvicted;
        _map = new ConcurrentDictionary<TKey, CacheNode<TKey, TValue>>(comparer);
    }

    public abstract CacheEvictionPolicy Policy { get; }

    public int Count => Volatile.Read(ref _count);

    public int Capacity => _capacity;

    public int MaximumCapacity { get; }

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

            if (_count >= _capacity)
            {
                victim = SelectVictim();
                Unlink(victim);
                _map.TryRemove(victim.Key, out _);
                _count--;
            }

            var node = new CacheNode<TKey, TValue>(key, value);
            _map[key] = node;
            OnAdd(node);
            Volatile.Write(ref _count, _count + 1);
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
                Volatile.Write(ref _count, _count - 1);
                value = node.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    public int Resize(int capacity)
    {
        int target = Math.Clamp(capacity, 1, MaximumCapacity);
        List<CacheNode<TKey, TValue>>? victims = null;
        lock (_sync)
        {
            _capacity = target;
            if (!_disposed)
            {
                while (_count > target)
                {
                    var victim = SelectVictim();
                    Unlink(victim);
                    _map.TryRemove(victim.Key, out _);
                    Volatile.Write(ref _count, _count - 1);
                    (victims ??= []).Add(victim);
                }

                OnResized();
            }
        }

        if (victims is not null)
        {
            foreach (var victim in victims)
            {
                _onEvicted?.Invoke(victim.Key, victim.Value);
            }
        }

        return target;
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
            Volatile.Write(ref _count, 0);
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

    /// <summary>Adjusts the policy's own proportions to a new <see cref="Capacity"/> (under the lock, after any evictions).</summary>
    protected virtual void OnResized()
    {
    }
}

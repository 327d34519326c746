using System.Collections.Concurrent;

namespace Asherah.Caching;

/// <summary>
/// The frame of the hand-written policies (<see cref="CacheEvictionPolicy.Lru"/>, <see cref="CacheEvictionPolicy.Lfu"/>,
/// <see cref="CacheEvictionPolicy.Slru"/>): a <see cref="ConcurrentDictionary{TKey, TValue}"/> for lookups and one lock
/// over the policy's lists.
/// </summary>
/// <remarks>
/// Costs: a hit is a lock-free dictionary read (of a <see cref="CacheHandle{TKey, TValue}"/>: the value and the node,
/// never the node's own fields) plus a record of the node in this thread's stripe of a
/// <see cref="StripedReadBuffer{T}"/> (no lock, no interlocked operation, no allocation). When the buffer says a drain
/// is due (a full stripe, and this thread is the one that drains), the hit applies the buffered hits (the policy's
/// bookkeeping: a move, a frequency bump, a promotion) if it gets the lock with <c>Lock.TryEnter</c>; otherwise it goes
/// on and a full stripe drops samples until drained, as Caffeine's lossy read buffer does (under contention the policy
/// sees a sample of the hits). Adds, removes and resizes take the lock and apply the buffered hits first, so with one
/// thread using the cache every hit counts, in order. Adds and removes take the lock (they follow a miss, which costs a
/// metastore read anyway), evict at most one entry each, before the insert, so Count never exceeds Capacity. A
/// <see cref="Resize"/> to a smaller capacity evicts the surplus at once under the lock, victim by victim in the
/// policy's order. Eviction callbacks run after the lock is released.
/// </remarks>
internal abstract class LockedPolicyCache<TKey, TValue> : IBoundedCache<TKey, TValue>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, CacheHandle<TKey, TValue>> _map;
    private readonly Action<TKey, TValue>? _onEvicted;
    private readonly Lock _sync = new();
    private readonly StripedReadBuffer<CacheNode<TKey>> _reads;
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
        _map = new ConcurrentDictionary<TKey, CacheHandle<TKey, TValue>>(comparer);

        // About four stripes per core, fewer for small caches (each stripe is 256 bytes).
        _reads = new StripedReadBuffer<CacheNode<TKey>>(Math.Min(4 * Environment.ProcessorCount, capacity));
    }

    public abstract CacheEvictionPolicy Policy { get; }

    public int Count => Volatile.Read(ref _count);

    public int Capacity => _capacity;

    public int MaximumCapacity { get; }

    public bool TryGet(TKey key, out TValue value)
    {
        if (_map.TryGetValue(key, out var handle))
        {
            if (_reads.Offer(handle.Node) && _sync.TryEnter())
            {
                try
                {
                    _reads.Drain(new ReadSink(this), afterHit: true);
                }
                finally
                {
                    _sync.Exit();
                }
            }

            value = handle.Value;
            return true;
        }

        value = default!;
        return false;
    }

    public bool TryAdd(TKey key, TValue value)
    {
        CacheNode<TKey>? victim = null;
        TValue victimValue = default!;
        lock (_sync)
        {
            DrainReads();
            if (_disposed || _map.ContainsKey(key))
            {
                return false;
            }

            if (_count >= _capacity)
            {
                victim = SelectVictim();
                Unlink(victim);
                _map.TryRemove(victim.Key, out var removed);
                victimValue = removed.Value;
                _count--;
            }

            var node = new CacheNode<TKey>(key, 0);
            _map[key] = new CacheHandle<TKey, TValue>(node, value);
            OnAdd(node);
            Volatile.Write(ref _count, _count + 1);
        }

        if (victim is not null)
        {
            _onEvicted?.Invoke(victim.Key, victimValue);
        }

        return true;
    }

    public bool TryRemove(TKey key, out TValue value)
    {
        lock (_sync)
        {
            DrainReads();
            if (_map.TryRemove(key, out var handle))
            {
                Unlink(handle.Node);
                Volatile.Write(ref _count, _count - 1);
                value = handle.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    public int Resize(int capacity)
    {
        int target = Math.Clamp(capacity, 1, MaximumCapacity);
        List<KeyValuePair<TKey, TValue>>? victims = null;
        lock (_sync)
        {
            DrainReads();
            _capacity = target;
            if (!_disposed)
            {
                while (_count > target)
                {
                    var victim = SelectVictim();
                    Unlink(victim);
                    _map.TryRemove(victim.Key, out var removed);
                    Volatile.Write(ref _count, _count - 1);
                    (victims ??= []).Add(new(victim.Key, removed.Value));
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
        KeyValuePair<TKey, CacheHandle<TKey, TValue>>[] left;
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _reads.Clear();
            left = [.. _map];
            _map.Clear();
            Volatile.Write(ref _count, 0);
            Clear();
            foreach (var entry in left)
            {
                entry.Value.Node.List = null;
            }
        }

        foreach (var entry in left)
        {
            _onEvicted?.Invoke(entry.Key, entry.Value.Value);
        }
    }

    /// <summary>Applies the buffered hits (under the lock).</summary>
    private void DrainReads() => _reads.Drain(new ReadSink(this));

    private void OnRead(CacheNode<TKey> node)
    {
        // The node may have left the cache since the hit.
        if (node.List is not null && !_disposed)
        {
            OnHit(node);
        }
    }

    /// <summary>Records a hit on a node in the cache (under the lock).</summary>
    protected abstract void OnHit(CacheNode<TKey> node);

    /// <summary>Places a new node (under the lock; there is room for it).</summary>
    protected abstract void OnAdd(CacheNode<TKey> node);

    /// <summary>The node to evict from a full cache (under the lock).</summary>
    protected abstract CacheNode<TKey> SelectVictim();

    /// <summary>Takes a node out of the policy's lists (under the lock).</summary>
    protected abstract void Unlink(CacheNode<TKey> node);

    /// <summary>Forgets every list (under the lock, at dispose).</summary>
    protected abstract void Clear();

    /// <summary>Adjusts the policy's own proportions to a new <see cref="Capacity"/> (under the lock, after any evictions).</summary>
    protected virtual void OnResized()
    {
    }

    private readonly struct ReadSink(LockedPolicyCache<TKey, TValue> cache) : IReadBufferSink<CacheNode<TKey>>
    {
        public void OnRead(CacheNode<TKey> item) => cache.OnRead(item);
    }
}

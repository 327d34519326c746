using BitFaster.Caching;
using BitFaster.Caching.Lfu;
using BitFaster.Caching.Scheduler;

namespace Asherah.Caching;

/// <summary>
/// <see cref="CacheEvictionPolicy.TinyLfu"/>: BitFaster.Caching's <c>ConcurrentLfu</c> behind <see cref="IBoundedCache{TKey, TValue}"/>.
/// </summary>
/// <remarks>
/// <para><c>ConcurrentLfu</c>: W-TinyLFU as in Caffeine: a count-min sketch of 4-bit counters halved
/// every 10 × capacity samples (aging), a window LRU (1 % at first) in front of a main space split into probation and
/// protected LRUs, an admission contest between the window's victim and probation's victim by sketch frequency, and
/// hill climbing of the window size. Reads are recorded in a lossy striped buffer (no lock; under contention some reads
/// are dropped), writes in a bounded buffer; both are applied under a maintenance lock that a thread takes only with
/// <c>TryEnter</c>. Maintenance runs on the calling thread (<c>ForegroundScheduler</c>), so no background work outlives
/// the cache and eviction callbacks run on the threads using the cache; Count may exceed the capacity by the writes
/// buffered while another thread holds the maintenance lock. BitFaster's sketch has no doorkeeper bloom filter
/// (neither has Caffeine's). Capacity at least <see cref="MinimumCapacity"/> (a library bug below it): a smaller maximum size is raised to it,
/// and <see cref="Capacity"/> says so.</para>
/// </remarks>
internal sealed class ConcurrentLfuCache<TKey, TValue> : IBoundedCache<TKey, TValue>
    where TKey : notnull
{
    /// <summary>
    /// Smallest capacity used; smaller requests get it. <c>ConcurrentLfu</c> 2.6.1 refuses less than 3, and with 3 or 4
    /// it throws <see cref="NullReferenceException"/> from <c>EvictFromMain</c> under concurrent adds and removes (16
    /// threads, 64 keys: hundreds of thousands of failures in 3.2 million operations; none at 5 to 20 in repeated runs).
    /// </summary>
    public const int MinimumCapacity = 5;

    private readonly ICache<TKey, CacheSlot<TValue>> _cache;
    private readonly ConcurrentLfu<TKey, CacheSlot<TValue>> _lfu;
    private readonly Action<TKey, TValue>? _onEvicted;
    private volatile bool _disposed;

    public ConcurrentLfuCache(int capacity, Action<TKey, TValue>? onEvicted, IEqualityComparer<TKey>? comparer)
    {
        var cache = new ConcurrentLfu<TKey, CacheSlot<TValue>>(
            Environment.ProcessorCount,
            Math.Max(capacity, MinimumCapacity),
            new ForegroundScheduler(),
            comparer ?? EqualityComparer<TKey>.Default);
        _cache = cache;
        _lfu = cache;
        _onEvicted = onEvicted;
        Capacity = cache.Policy.Eviction.Value!.Capacity;
        cache.Events.Value!.ItemRemoved += OnItemRemoved;
    }

    public CacheEvictionPolicy Policy => CacheEvictionPolicy.TinyLfu;

    public int Count => _cache.Count;

    public int Capacity { get; }

    public int MaximumCapacity => Capacity;

    /// <summary>Trims to <paramref name="capacity"/> entries (BitFaster's capacity is fixed, so it stays in force and is returned).</summary>
    public int Resize(int capacity)
    {
        int target = Math.Clamp(capacity, 1, MaximumCapacity);
        if (!_disposed)
        {
            _lfu.DoMaintenance();
            int surplus = _cache.Count - target;
            if (surplus > 0)
            {
                _cache.Policy.Eviction.Value!.Trim(surplus);
            }
        }

        return Capacity;
    }

    public bool TryGet(TKey key, out TValue value)
    {
        if (_cache.TryGet(key, out var slot))
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
        var stored = _cache.GetOrAdd(key, static (_, s) => s, slot);
        if (!ReferenceEquals(stored, slot))
        {
            return false;
        }

        if (_disposed)
        {
            // Dispose cleared the cache meanwhile and may have missed this entry (and what its add evicted).
            bool reclaimed = slot.TryClaim();
            _cache.Clear();
            return !reclaimed;
        }

        return true;
    }

    public bool TryRemove(TKey key, out TValue value)
    {
        if (_cache.TryRemove(key, out var slot) && slot.TryClaim())
        {
            value = slot.Value;
            return true;
        }

        value = default!;
        return false;
    }

    public IReadOnlyList<KeyValuePair<TKey, TValue>> Snapshot() =>
        [.. _cache.Select(static p => new KeyValuePair<TKey, TValue>(p.Key, p.Value.Value))];

    /// <summary>Applies buffered reads and writes now: for tests that check exact eviction order.</summary>
    internal void DoMaintenance() => _lfu.DoMaintenance();

    public void Dispose()
    {
        _disposed = true;
        _cache.Clear();
    }

    private void OnItemRemoved(object? sender, ItemRemovedEventArgs<TKey, CacheSlot<TValue>> e)
    {
        // Removed: TryRemove claims the slot for its caller. Evicted, Cleared, Trimmed: the cache dropped it.
        if (e.Reason != ItemRemovedReason.Removed && e.Value is { } slot && slot.TryClaim())
        {
            _onEvicted?.Invoke(e.Key, slot.Value);
        }
    }
}

namespace Asherah.Caching;

/// <summary>
/// <see cref="CacheEvictionPolicy.Lru"/>, written here: an exact LRU (one list, most recent first) under one lock.
/// </summary>
/// <remarks>
/// <code>
/// add: evict the last entry when full; the new entry → front
/// hit: entry → front
/// </code>
/// Not BitFaster.Caching's <c>ConcurrentLru</c>: that is TU-Q (hot, warm and cold FIFO queues), which evicts a new
/// entry that was not read again before older entries that were (scan resistant, but not LRU order: on the trace
/// "fill 10, read 0..4, add 5 more" it evicted 3, 9, 10, 11, 12 where LRU evicts 5..9). Locking as
/// <see cref="LockedPolicyCache{TKey, TValue}"/> says: a hit never waits for the lock.
/// </remarks>
internal sealed class LinkedLruCache<TKey, TValue>(int capacity, Action<TKey, TValue>? onEvicted, IEqualityComparer<TKey>? comparer)
    : LockedPolicyCache<TKey, TValue>(capacity, onEvicted, comparer)
    where TKey : notnull
{
    private readonly CacheNodeList<TKey> _list = new();

    public override CacheEvictionPolicy Policy => CacheEvictionPolicy.Lru;

    protected override void OnHit(CacheNode<TKey> node) => _list.MoveToFront(node);

    protected override void OnAdd(CacheNode<TKey> node) => _list.AddFirst(node);

    protected override CacheNode<TKey> SelectVictim() => _list.Last!;

    protected override void Unlink(CacheNode<TKey> node) => _list.Remove(node);

    protected override void Clear() => _list.Clear();
}

namespace Asherah.Caching;

/// <summary>
/// <see cref="CacheEvictionPolicy.Slru"/>, written here: an exact segmented LRU of two LRU lists under one lock.
/// </summary>
/// <remarks>
/// <code>
/// add:   new entry → front of probation (after evicting probation's last, or protected's last if probation is empty)
/// hit:   in probation → front of protected; protected over 80 % of capacity → its last goes to front of probation
///        in protected → front of protected
/// </code>
/// So an entry seen once is evicted before any entry seen twice while probation holds one. Every step O(1); locking
/// as <see cref="LockedPolicyCache{TKey, TValue}"/> says. With capacity 1 there is no protected segment (plain LRU).
/// A resize evicts probation's last entries first, then protected's, and then demotes protected's least recent entries
/// until protected holds at most 80 % of the new capacity.
/// </remarks>
internal sealed class SegmentedLruCache<TKey, TValue>(int capacity, Action<TKey, TValue>? onEvicted, IEqualityComparer<TKey>? comparer)
    : LockedPolicyCache<TKey, TValue>(capacity, onEvicted, comparer)
    where TKey : notnull
{
    private readonly CacheNodeList<TKey> _probation = new();
    private readonly CacheNodeList<TKey> _protected = new();
    private int _protectedCapacity = ProtectedCapacityOf(capacity);

    public override CacheEvictionPolicy Policy => CacheEvictionPolicy.Slru;

    protected override void OnHit(CacheNode<TKey> node)
    {
        if (node.List == _protected || _protectedCapacity == 0)
        {
            node.List!.MoveToFront(node);
            return;
        }

        _probation.Remove(node);
        _protected.AddFirst(node);
        if (_protected.Count > _protectedCapacity)
        {
            var demoted = _protected.Last!;
            _protected.Remove(demoted);
            _probation.AddFirst(demoted);
        }
    }

    protected override void OnAdd(CacheNode<TKey> node) => _probation.AddFirst(node);

    protected override CacheNode<TKey> SelectVictim() => _probation.Last ?? _protected.Last!;

    protected override void Unlink(CacheNode<TKey> node) => node.List!.Remove(node);

    /// <summary>Keeps protected within 80 % of the capacity now in force, demoting its least recent entries to probation.</summary>
    protected override void OnResized()
    {
        _protectedCapacity = ProtectedCapacityOf(Capacity);
        while (_protected.Count > _protectedCapacity)
        {
            var demoted = _protected.Last!;
            _protected.Remove(demoted);
            _probation.AddFirst(demoted);
        }
    }

    private static int ProtectedCapacityOf(int capacity) => (int)(capacity * 4L / 5);

    protected override void Clear()
    {
        _probation.Clear();
        _protected.Clear();
    }
}

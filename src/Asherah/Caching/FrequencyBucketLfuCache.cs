namespace Asherah.Caching;

/// <summary>
/// <see cref="CacheEvictionPolicy.Lfu"/>, written here: an exact LFU with O(1) operations (Shah, Mitra and Matani,
/// "An O(1) algorithm for implementing the LFU cache eviction scheme", 2010) under one lock.
/// </summary>
/// <remarks>
/// <code>
/// buckets := bucket(f1) ⇄ bucket(f2) ⇄ ...    ascending frequencies, only non-empty ones, each an LRU list
/// add:    evict the last (least recent) entry of the lowest bucket; the new entry → front of bucket(1)
/// hit:    entry of bucket(f) → front of bucket(f + 1), created right after bucket(f) when missing
/// </code>
/// Frequencies never age (classic LFU: an entry popular long ago stays; <see cref="CacheEvictionPolicy.TinyLfu"/>
/// ages). Emptied buckets are kept on a free list, so a hit allocates nothing. Locking as
/// <see cref="LockedPolicyCache{TKey, TValue}"/> says.
/// </remarks>
internal sealed class FrequencyBucketLfuCache<TKey, TValue>(int capacity, Action<TKey, TValue>? onEvicted, IEqualityComparer<TKey>? comparer)
    : LockedPolicyCache<TKey, TValue>(capacity, onEvicted, comparer)
    where TKey : notnull
{
    private Bucket? _lowest;
    private Bucket? _free;

    public override CacheEvictionPolicy Policy => CacheEvictionPolicy.Lfu;

    /// <summary>The frequency counted for a key in the cache (for tests), or 0.</summary>
    internal long FrequencyOf(CacheNode<TKey> node) => (node.List as Bucket)?.Frequency ?? 0;

    protected override void OnHit(CacheNode<TKey> node)
    {
        var bucket = (Bucket)node.List!;
        var next = bucket.Higher;
        if (next is null || next.Frequency != bucket.Frequency + 1)
        {
            next = Rent(bucket.Frequency + 1);
            InsertAfter(bucket, next);
        }

        bucket.Remove(node);
        next.AddFirst(node);
        ReturnIfEmpty(bucket);
    }

    protected override void OnAdd(CacheNode<TKey> node)
    {
        if (_lowest is null || _lowest.Frequency != 1)
        {
            var first = Rent(1);
            first.Higher = _lowest;
            if (_lowest is not null)
            {
                _lowest.Lower = first;
            }

            _lowest = first;
        }

        _lowest.AddFirst(node);
    }

    protected override CacheNode<TKey> SelectVictim() => _lowest!.Last!;

    protected override void Unlink(CacheNode<TKey> node)
    {
        var bucket = (Bucket)node.List!;
        bucket.Remove(node);
        ReturnIfEmpty(bucket);
    }

    protected override void Clear()
    {
        _lowest = null;
        _free = null;
    }

    private void InsertAfter(Bucket bucket, Bucket added)
    {
        added.Lower = bucket;
        added.Higher = bucket.Higher;
        if (bucket.Higher is not null)
        {
            bucket.Higher.Lower = added;
        }

        bucket.Higher = added;
    }

    private void ReturnIfEmpty(Bucket bucket)
    {
        if (bucket.Count != 0)
        {
            return;
        }

        if (bucket.Lower is null)
        {
            _lowest = bucket.Higher;
        }
        else
        {
            bucket.Lower.Higher = bucket.Higher;
        }

        if (bucket.Higher is not null)
        {
            bucket.Higher.Lower = bucket.Lower;
        }

        bucket.Lower = null;
        bucket.Higher = _free;
        _free = bucket;
    }

    private Bucket Rent(long frequency)
    {
        var bucket = _free;
        if (bucket is null)
        {
            bucket = new Bucket();
        }
        else
        {
            _free = bucket.Higher;
        }

        bucket.Frequency = frequency;
        bucket.Higher = null;
        bucket.Lower = null;
        return bucket;
    }

    /// <summary>The entries hit <see cref="Frequency"/> times (counting the add), most recent first.</summary>
    private sealed class Bucket : CacheNodeList<TKey>
    {
        public long Frequency { get; set; }

        public Bucket? Lower { get; set; }

        public Bucket? Higher { get; set; }
    }
}

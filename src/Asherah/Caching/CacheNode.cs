namespace Asherah.Caching;

/// <summary>
/// The policy's side of an entry of a hand-written policy cache: its key, its hash and its links in one
/// <see cref="CacheNodeList{TKey}"/>, all written and read under the cache's lock (and by the drains of its read buffer).
/// </summary>
/// <remarks>
/// Hits never read a node: they read the <see cref="CacheHandle{TKey, TValue}"/> in the map and only pass the node's
/// reference on to the read buffer, so a drain rewriting links does not pull lines from under the threads that hit.
/// </remarks>
internal sealed class CacheNode<TKey>(TKey key, int hash)
{
    public TKey Key { get; } = key;

    /// <summary>The key's hash, for policies that count frequencies by it (<see cref="CacheEvictionPolicy.TinyLfu"/>); 0 otherwise.</summary>
    public int Hash { get; } = hash;

    /// <summary>The list holding the node (a segment or a frequency bucket), or <see langword="null"/> once it left the cache.</summary>
    public CacheNodeList<TKey>? List { get; set; }

    public CacheNode<TKey>? Previous { get; set; }

    public CacheNode<TKey>? Next { get; set; }
}

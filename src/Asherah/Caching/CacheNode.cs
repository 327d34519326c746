namespace Asherah.Caching;

/// <summary>An entry of a hand-written policy cache: its key and value, and its links in one <see cref="CacheNodeList{TKey, TValue}"/>.</summary>
internal sealed class CacheNode<TKey, TValue>(TKey key, TValue value)
{
    public TKey Key { get; } = key;

    public TValue Value { get; } = value;

    /// <summary>The list holding the node (a segment or a frequency bucket), or <see langword="null"/> once it left the cache.</summary>
    public CacheNodeList<TKey, TValue>? List { get; set; }

    public CacheNode<TKey, TValue>? Previous { get; set; }

    public CacheNode<TKey, TValue>? Next { get; set; }
}

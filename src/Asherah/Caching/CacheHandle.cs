namespace Asherah.Caching;

/// <summary>
/// What the map of a hand-written policy cache holds for a key: the value, for hits, and the policy's node, for the
/// read buffer.
/// </summary>
/// <remarks>
/// A struct stored in the <see cref="System.Collections.Concurrent.ConcurrentDictionary{TKey, TValue}"/>'s own entry,
/// which is never written once published (a value wider than a reference is replaced by a new entry, not rewritten).
/// A hit reads only that entry, not the node, whose links drains rewrite: the threads that hit do not pull the
/// drainer's cache lines, and no object stands between the map and the value.
/// </remarks>
internal readonly struct CacheHandle<TKey, TValue>(CacheNode<TKey> node, TValue value)
{
    public CacheNode<TKey> Node { get; } = node;

    public TValue Value { get; } = value;
}

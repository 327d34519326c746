namespace Asherah.Caching;

/// <summary>An intrusive doubly linked list of <see cref="CacheNode{TKey}"/>, most recent first; every operation O(1), no allocation.</summary>
/// <remarks>Not thread-safe: the owning cache's lock guards it.</remarks>
internal class CacheNodeList<TKey>
{
    public CacheNode<TKey>? First { get; private set; }

    public CacheNode<TKey>? Last { get; private set; }

    public int Count { get; private set; }

    public void AddFirst(CacheNode<TKey> node)
    {
        node.List = this;
        node.Previous = null;
        node.Next = First;
        if (First is null)
        {
            Last = node;
        }
        else
        {
            First.Previous = node;
        }

        First = node;
        Count++;
    }

    public void Remove(CacheNode<TKey> node)
    {
        if (node.Previous is null)
        {
            First = node.Next;
        }
        else
        {
            node.Previous.Next = node.Next;
        }

        if (node.Next is null)
        {
            Last = node.Previous;
        }
        else
        {
            node.Next.Previous = node.Previous;
        }

        node.List = null;
        node.Previous = null;
        node.Next = null;
        Count--;
    }

    public void MoveToFront(CacheNode<TKey> node)
    {
        if (First != node)
        {
            Remove(node);
            AddFirst(node);
        }
    }

    public void Clear()
    {
        First = null;
        Last = null;
        Count = 0;
    }
}

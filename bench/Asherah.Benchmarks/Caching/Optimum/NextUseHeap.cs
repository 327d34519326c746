namespace Asherah.Benchmarks.Caching.Optimum;

/// <summary>
/// The keys in Belady's cache, in a binary max-heap on their next use, with each key's heap slot indexed so that a hit
/// can move its key in O(log k).
/// </summary>
/// <remarks>
/// <code>
/// heap[0 … count)   slots: (key, nextUse), nextUse(parent) ≥ nextUse(child)
/// slotOf[key]       key's slot, or −1 when not cached
/// </code>
/// </remarks>
internal sealed class NextUseHeap
{
    private readonly int[] _keys;
    private readonly int[] _nextUses;
    private readonly int[] _slotOf;

    public NextUseHeap(int capacity, int keySpace)
    {
        _keys = new int[capacity];
        _nextUses = new int[capacity];
        _slotOf = new int[keySpace];
        Array.Fill(_slotOf, -1);
    }

    public int Count { get; private set; }

    /// <summary>The largest next use among the cached keys (the key Belady evicts).</summary>
    public int FurthestNextUse => _nextUses[0];

    public bool Contains(int key) => _slotOf[key] >= 0;

    public void Add(int key, int nextUse)
    {
        int slot = Count++;
        Place(slot, key, nextUse);
        SiftUp(slot);
    }

    /// <summary>A cached key's next use moved later (it was just used): it can only rise toward the root.</summary>
    public void MoveLater(int key, int nextUse)
    {
        int slot = _slotOf[key];
        _nextUses[slot] = nextUse;
        SiftUp(slot);
    }

    /// <summary>Evicts the key with the furthest next use and caches <paramref name="key"/> instead.</summary>
    public void ReplaceFurthest(int key, int nextUse)
    {
        _slotOf[_keys[0]] = -1;
        Place(0, key, nextUse);
        SiftDown(0);
    }

    private void Place(int slot, int key, int nextUse)
    {
        _keys[slot] = key;
        _nextUses[slot] = nextUse;
        _slotOf[key] = slot;
    }

    private void SiftUp(int slot)
    {
        int key = _keys[slot];
        int nextUse = _nextUses[slot];
        while (slot > 0)
        {
            int parent = (slot - 1) >> 1;
            if (_nextUses[parent] >= nextUse)
            {
                break;
            }

            Place(slot, _keys[parent], _nextUses[parent]);
            slot = parent;
        }

        Place(slot, key, nextUse);
    }

    private void SiftDown(int slot)
    {
        int key = _keys[slot];
        int nextUse = _nextUses[slot];
        int count = Count;
        while (true)
        {
            int child = (2 * slot) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && _nextUses[child + 1] > _nextUses[child])
            {
                child++;
            }

            if (_nextUses[child] <= nextUse)
            {
                break;
            }

            Place(slot, _keys[child], _nextUses[child]);
            slot = child;
        }

        Place(slot, key, nextUse);
    }
}

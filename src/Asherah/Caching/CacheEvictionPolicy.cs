namespace Asherah;

/// <summary>How a bounded cache (system keys, intermediate keys, sessions) chooses what to drop when it is full.</summary>
/// <remarks>
/// Names as canonical Asherah (Go) spells them: <c>simple</c>, <c>lru</c>, <c>lfu</c>, <c>slru</c>, <c>tinylfu</c>,
/// parsed case-insensitively from configuration. Every bounded policy costs O(1) per operation. Which implementation
/// serves which policy:
/// <list type="table">
/// <item><term><see cref="Simple"/></term><description>an unbounded <c>ConcurrentDictionary</c>: nothing is evicted; the maximum size is ignored. Under memory
/// pressure (<see cref="MemoryPressureOptions"/>) it is trimmed to half its entries (arbitrary ones) and grows freely again.</description></item>
/// <item><term><see cref="Lru"/></term><description>written here: an exact LRU (one linked list) under one lock. (BitFaster.Caching's
/// <c>ConcurrentLru</c> is TU-Q, not LRU order.)</description></item>
/// <item><term><see cref="Lfu"/></term><description>written here: an exact O(1) LFU (frequency buckets, least recent first among equals) under one lock.</description></item>
/// <item><term><see cref="Slru"/></term><description>written here: an exact segmented LRU (probation 20 %, protected 80 %; a second hit
/// promotes) under one lock.</description></item>
/// <item><term><see cref="TinyLfu"/></term><description>written here: W-TinyLFU after Caffeine (a 1 % window LRU in front of a
/// segmented main space; a newcomer leaving the window enters main only if a count-min sketch of 4-bit counters, with a
/// doorkeeper Bloom filter and periodic halving, estimates it more frequent than main's victim). Hits are a lock-free
/// dictionary read plus a record in a per-thread stripe of a lossy read buffer, applied under the lock by whichever
/// thread takes it without waiting; adds evict before they insert, so the count never exceeds the maximum size. No
/// library: only the dictionary is the BCL's.</description></item>
/// </list>
/// The hits of <see cref="Lru"/>, <see cref="Lfu"/> and <see cref="Slru"/> are recorded the same way (every hit; 1 in 2
/// for <see cref="TinyLfu"/>) and applied before every add, remove or resize: exact order on one thread, a sample of the
/// hits when threads contend; a hit never waits for the lock.
/// </remarks>
public enum CacheEvictionPolicy
{
    /// <summary>Unbounded: never evicts (canonical <c>simple</c>, the default for key caches).</summary>
    Simple,

    /// <summary>Least recently used.</summary>
    Lru,

    /// <summary>Least frequently used, least recently used among equal frequencies.</summary>
    Lfu,

    /// <summary>Segmented LRU: new entries on probation, entries hit again protected.</summary>
    Slru,

    /// <summary>W-TinyLFU: a window LRU in front of a frequency-filtered segmented main space.</summary>
    TinyLfu,
}

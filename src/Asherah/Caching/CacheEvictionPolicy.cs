namespace Asherah;

/// <summary>How a bounded cache (system keys, intermediate keys, sessions) chooses what to drop when it is full.</summary>
/// <remarks>
/// Names as canonical Asherah (Go) spells them: <c>simple</c>, <c>lru</c>, <c>lfu</c>, <c>slru</c>, <c>tinylfu</c>,
/// parsed case-insensitively from configuration. Every bounded policy costs O(1) per operation. Which implementation
/// serves which policy:
/// <list type="table">
/// <item><term><see cref="Simple"/></term><description>an unbounded <c>ConcurrentDictionary</c>: nothing is evicted; the maximum size is ignored. Under memory
/// pressure (<see cref="MemoryPressureOptions"/>) it is trimmed to half its entries (arbitrary ones) and grows freely again.</description></item>
/// <item><term><see cref="Lru"/></term><description>written here: an exact LRU (one linked list) under one lock; a hit that finds the
/// lock taken skips its move to the front instead of waiting. (BitFaster.Caching's <c>ConcurrentLru</c> is TU-Q, not
/// LRU order.)</description></item>
/// <item><term><see cref="Lfu"/></term><description>written here: an exact O(1) LFU (frequency buckets, least recent first among equals) under one lock;
/// a hit that finds the lock taken skips its frequency bump instead of waiting.</description></item>
/// <item><term><see cref="Slru"/></term><description>written here: an exact segmented LRU (probation 20 %, protected 80 %; a second hit
/// promotes) under one lock; a hit that finds the lock taken skips its promotion instead of waiting.</description></item>
/// <item><term><see cref="TinyLfu"/></term><description>BitFaster.Caching <c>ConcurrentLfu</c>: W-TinyLFU after Caffeine (count-min sketch
/// with periodic halving, a 1 % window LRU, a segmented main space, hill-climbed window size); hits go to a lossy
/// striped buffer without a lock. It has no doorkeeper (as Caffeine: the 4-bit sketch admits by comparison alone), and
/// holds at least 5 entries whatever smaller size is asked (BitFaster 2.6.1 fails under concurrency with 3 or 4).</description></item>
/// </list>
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

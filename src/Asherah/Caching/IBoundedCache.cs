namespace Asherah.Caching;

/// <summary>A thread-safe map with a maximum size that drops entries by its <see cref="CacheEvictionPolicy"/>.</summary>
/// <remarks>
/// Ownership: a value added (<see cref="TryAdd"/> returned <see langword="true"/>) belongs to the cache until it
/// leaves. It leaves in one of two ways, each exactly once: the cache drops it (evicted for capacity, or still present
/// at <see cref="IDisposable.Dispose"/>) and hands it to the eviction callback given at construction; or a caller takes
/// it back with <see cref="TryRemove"/>. The callback runs on the thread that caused the eviction, outside any lock of
/// the cache, and must not throw. After <c>Dispose</c> the cache is empty, <see cref="TryAdd"/> refuses and
/// <see cref="TryGet"/> misses. <see cref="Resize"/> hands what it evicts to the same callback, also outside the lock.
/// </remarks>
/// <typeparam name="TKey">The key.</typeparam>
/// <typeparam name="TValue">The value.</typeparam>
internal interface IBoundedCache<TKey, TValue> : IDisposable
    where TKey : notnull
{
    /// <summary>The policy this cache evicts by.</summary>
    CacheEvictionPolicy Policy { get; }

    /// <summary>Entries in the cache now (may exceed <see cref="Capacity"/> briefly under concurrent adds; see the implementation).</summary>
    int Count { get; }

    /// <summary>Most entries the cache keeps; <see cref="int.MaxValue"/> for <see cref="CacheEvictionPolicy.Simple"/>.</summary>
    int Capacity { get; }

    /// <summary>The most entries the cache may hold: the capacity it was created with.</summary>
    int MaximumCapacity { get; }

    /// <summary>Sets the capacity in force (Capacity) to <paramref name="capacity"/>, clamped to [1, MaximumCapacity];
    /// a smaller capacity evicts down to it at once, in the policy's order, through the eviction callback (called
    /// outside the lock); a larger one lets the cache grow back. Returns the capacity now in force.</summary>
    /// <remarks>
    /// <see cref="CacheEvictionPolicy.Simple"/> has no capacity to lower: a smaller value trims it at once to that many
    /// entries (arbitrary ones, in its dictionary's order) and it grows freely again afterwards, so the capacity in
    /// force stays <see cref="MaximumCapacity"/> (<see cref="int.MaxValue"/>) and that is what it returns. After
    /// <see cref="IDisposable.Dispose"/> a resize evicts nothing and is harmless. O(entries evicted).
    /// </remarks>
    int Resize(int capacity);

    /// <summary>Looks a key up and records the hit for the policy.</summary>
    bool TryGet(TKey key, out TValue value);

    /// <summary>Adds the pair unless the key is present or the cache is disposed; may evict other entries.</summary>
    /// <returns><see langword="true"/> when added (the cache now owns <paramref name="value"/>).</returns>
    bool TryAdd(TKey key, TValue value);

    /// <summary>Removes a key without the eviction callback; the value goes back to the caller.</summary>
    bool TryRemove(TKey key, out TValue value);

    /// <summary>A snapshot of the entries (O(n): for tests, diagnostics and periodic sweeps, not the hot path).</summary>
    IReadOnlyList<KeyValuePair<TKey, TValue>> Snapshot();
}

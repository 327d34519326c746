using System.Diagnostics.CodeAnalysis;

namespace Asherah.Caching;

/// <summary>Creates the bounded cache for a <see cref="CacheEvictionPolicy"/>, and parses policy names.</summary>
internal static class BoundedCache
{
    /// <summary>The canonical names, in <see cref="CacheEvictionPolicy"/> order.</summary>
    public static IReadOnlyList<string> PolicyNames { get; } = ["simple", "lru", "lfu", "slru", "tinylfu"];

    /// <summary>A cache with <paramref name="policy"/> keeping at most <paramref name="capacity"/> entries.</summary>
    /// <param name="policy">The eviction policy.</param>
    /// <param name="capacity">The maximum size (ignored by <see cref="CacheEvictionPolicy.Simple"/>); at least 1.</param>
    /// <param name="onEvicted">Receives every entry the cache drops (evicted or left at dispose); see <see cref="IBoundedCache{TKey, TValue}"/>.</param>
    /// <param name="comparer">Key equality; the default comparer when <see langword="null"/>.</param>
    public static IBoundedCache<TKey, TValue> Create<TKey, TValue>(
        CacheEvictionPolicy policy,
        int capacity,
        Action<TKey, TValue>? onEvicted = null,
        IEqualityComparer<TKey>? comparer = null)
        where TKey : notnull
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        return policy switch
        {
            CacheEvictionPolicy.Simple => new UnboundedCache<TKey, TValue>(onEvicted, comparer),
            CacheEvictionPolicy.Lru => new LinkedLruCache<TKey, TValue>(capacity, onEvicted, comparer),
            CacheEvictionPolicy.Lfu => new FrequencyBucketLfuCache<TKey, TValue>(capacity, onEvicted, comparer),
            CacheEvictionPolicy.Slru => new SegmentedLruCache<TKey, TValue>(capacity, onEvicted, comparer),
            CacheEvictionPolicy.TinyLfu => new WindowTinyLfuCache<TKey, TValue>(capacity, onEvicted, comparer),
            _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "Not a cache eviction policy."),
        };
    }

    /// <summary>Parses a policy name (<c>simple</c>, <c>lru</c>, <c>lfu</c>, <c>slru</c>, <c>tinylfu</c>), ignoring case and surrounding white space.</summary>
    /// <remarks>Numbers are refused: configuration names a policy, it does not index the enum.</remarks>
    public static bool TryParsePolicy(string? name, [NotNullWhen(true)] out CacheEvictionPolicy? policy)
    {
        policy = null;
        var trimmed = name.AsSpan().Trim();
        for (int i = 0; i < PolicyNames.Count; i++)
        {
            if (trimmed.Equals(PolicyNames[i], StringComparison.OrdinalIgnoreCase))
            {
                policy = (CacheEvictionPolicy)i;
                return true;
            }
        }

        return false;
    }

    /// <summary>The canonical name of <paramref name="policy"/>.</summary>
    public static string NameOf(CacheEvictionPolicy policy) =>
        (uint)policy < (uint)PolicyNames.Count ? PolicyNames[(int)policy] : policy.ToString();
}

namespace Asherah.Caching;

/// <summary>
/// A cached value and who has taken it out: the eviction callback or a remover, whichever claims it first (for
/// <see cref="UnboundedCache{TKey, TValue}"/>, whose dispose races lock-free adds and removes).
/// </summary>
internal sealed class CacheSlot<TValue>(TValue value)
{
    private int _claimed;

    public TValue Value { get; } = value;

    /// <summary>True for exactly one caller: the one that now owns <see cref="Value"/>.</summary>
    public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;
}

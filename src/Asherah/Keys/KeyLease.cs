namespace Asherah.Keys;

/// <summary>
/// One operation's reference to a <see cref="CryptoKey"/>, dropped on <see cref="Dispose"/>:
/// <c>using var ik = new KeyLease(ring.TryGet(...) ?? ...);</c>.
/// </summary>
/// <remarks>
/// Every key a ring hands out already carries a reference for its caller (see <see cref="CryptoKey"/>); the lease is the
/// one place that gives it back, so a use never forgets to, even when it throws.
/// </remarks>
internal readonly struct KeyLease(CryptoKey key) : IDisposable
{
    public CryptoKey Key { get; } = key;

    public void Dispose() => Key.Release();
}

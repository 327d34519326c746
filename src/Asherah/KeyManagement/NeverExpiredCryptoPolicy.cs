namespace Asherah;

/// <summary>
/// A policy for tests: keys never expire and cached keys are never re-checked for revocation.
/// </summary>
public sealed class NeverExpiredCryptoPolicy : CryptoPolicy
{
    /// <summary>Creates the policy.</summary>
    public NeverExpiredCryptoPolicy() => RevokeCheckInterval = TimeSpan.MaxValue;

    /// <inheritdoc />
    public override bool IsKeyExpired(DateTimeOffset created, DateTimeOffset now) => false;
}

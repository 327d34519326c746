namespace Asherah;

/// <summary>The production policy: keys expire a fixed time after they are created.</summary>
/// <remarks>
/// Default <see cref="KeyExpiration"/> 90 days (with the <see cref="CryptoPolicy"/> defaults for the rest); the
/// canonical recommendation is 90 days and a 60-minute revoke check. A key is expired when
/// <c>now &gt; created + KeyExpiration</c>.
/// </remarks>
public sealed class BasicExpiringCryptoPolicy : CryptoPolicy
{
    private TimeSpan _keyExpiration = TimeSpan.FromDays(90);

    /// <summary>How long after creation a key is expired. Default 90 days; must be positive.</summary>
    public TimeSpan KeyExpiration
    {
        get => _keyExpiration;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _keyExpiration = value;
        }
    }

    /// <inheritdoc />
    public override bool IsKeyExpired(DateTimeOffset created, DateTimeOffset now) => now - created > _keyExpiration;
}

namespace Asherah;

/// <summary>
/// When keys expire, how often cached keys are re-checked for revocation, and what is cached.
/// </summary>
/// <remarks>
/// Expired and revoked keys still decrypt; they only make the next encrypt create a new key. System and intermediate
/// keys are created with their time truncated to the minute, which is how concurrent creators collide on the
/// metastore's primary key and agree on one key. Defaults: revoke check every 60 minutes, system and intermediate key
/// caching on, session caching off, at most 1,000 cached sessions, unused sessions kept 2 hours (the Go and Java
/// default; canonical C# uses 2 minutes).
/// </remarks>
public abstract class CryptoPolicy
{
    private TimeSpan _revokeCheckInterval = TimeSpan.FromMinutes(60);
    private int _sessionCacheMaxSize = 1000;
    private TimeSpan _sessionCacheExpiration = TimeSpan.FromHours(2);

    /// <summary>Whether a key created at <paramref name="created"/> is expired at <paramref name="now"/>.</summary>
    public abstract bool IsKeyExpired(DateTimeOffset created, DateTimeOffset now);

    /// <summary>How long a cached key is trusted before its record is re-read to notice revocation.</summary>
    /// <remarks>Default 60 minutes; must be positive. <see cref="TimeSpan.MaxValue"/> means never.</remarks>
    public TimeSpan RevokeCheckInterval
    {
        get => _revokeCheckInterval;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _revokeCheckInterval = value;
        }
    }

    /// <summary>Whether decrypted system keys are cached (per session factory). Default <see langword="true"/>.</summary>
    public bool CacheSystemKeys { get; set; } = true;

    /// <summary>Whether decrypted intermediate keys are cached (per session). Default <see langword="true"/>.</summary>
    public bool CacheIntermediateKeys { get; set; } = true;

    /// <summary>
    /// Whether sessions are cached (per session factory), so that getting a session for a partition seen recently is
    /// cheap and keeps its intermediate keys. Default <see langword="false"/>.
    /// </summary>
    public bool CacheSessions { get; set; }

    /// <summary>Most unused sessions the session cache keeps; sessions in use are never evicted. Default 1,000.</summary>
    public int SessionCacheMaxSize
    {
        get => _sessionCacheMaxSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, 0);
            _sessionCacheMaxSize = value;
        }
    }

    /// <summary>How long an unused cached session is kept. Default 2 hours; must be positive.</summary>
    public TimeSpan SessionCacheExpiration
    {
        get => _sessionCacheExpiration;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _sessionCacheExpiration = value;
        }
    }

    /// <summary>Whether decrypting under an expired or revoked intermediate key is logged. Default <see langword="false"/>.</summary>
    public bool NotifyExpiredIntermediateKeyOnRead { get; set; }

    /// <summary>Whether decrypting under an expired or revoked system key is logged. Default <see langword="false"/>.</summary>
    public bool NotifyExpiredSystemKeyOnRead { get; set; }
}

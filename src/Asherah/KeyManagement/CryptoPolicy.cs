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
/// <para>
/// Cache sizes and eviction (canonical Go's names): system keys per factory and intermediate keys per session (or one
/// intermediate-key cache shared by the factory, <see cref="SharedIntermediateKeyCache"/>) default to
/// <see cref="CacheEvictionPolicy.Simple"/> (unbounded, as before; the maximum sizes, default 1,000, apply to the
/// bounded policies); the session cache defaults to <see cref="CacheEvictionPolicy.Lru"/> over
/// <see cref="SessionCacheMaxSize"/> (canonical Go uses <c>slru</c>). An evicted key is wiped only when no operation
/// still uses it; an evicted session is disposed only when no caller holds it.
/// </para>
/// </remarks>
public abstract class CryptoPolicy
{
    private TimeSpan _revokeCheckInterval = TimeSpan.FromMinutes(60);
    private int _sessionCacheMaxSize = 1000;
    private TimeSpan _sessionCacheExpiration = TimeSpan.FromHours(2);
    private int _systemKeyCacheMaxSize = 1000;
    private int _intermediateKeyCacheMaxSize = 1000;
    private CacheEvictionPolicy _systemKeyCacheEvictionPolicy = CacheEvictionPolicy.Simple;
    private CacheEvictionPolicy _intermediateKeyCacheEvictionPolicy = CacheEvictionPolicy.Simple;
    private CacheEvictionPolicy _sessionCacheEvictionPolicy = CacheEvictionPolicy.Lru;
    private MemoryPressureOptions _memoryPressure = new();

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

    /// <summary>
    /// Most sessions the session cache keeps under a bounded <see cref="SessionCacheEvictionPolicy"/>. Default 1,000.
    /// A session evicted while in use stays usable by its holders and is disposed when the last one lets go.
    /// </summary>
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

    /// <summary>Most system keys cached per factory under a bounded <see cref="SystemKeyCacheEvictionPolicy"/>. Default 1,000; at least 1.</summary>
    public int SystemKeyCacheMaxSize
    {
        get => _systemKeyCacheMaxSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, 0);
            _systemKeyCacheMaxSize = value;
        }
    }

    /// <summary>How the system-key cache evicts. Default <see cref="CacheEvictionPolicy.Simple"/> (unbounded).</summary>
    public CacheEvictionPolicy SystemKeyCacheEvictionPolicy
    {
        get => _systemKeyCacheEvictionPolicy;
        set => _systemKeyCacheEvictionPolicy = CheckPolicy(value);
    }

    /// <summary>
    /// Most intermediate keys cached per session (or in the shared cache, <see cref="SharedIntermediateKeyCache"/>)
    /// under a bounded <see cref="IntermediateKeyCacheEvictionPolicy"/>. Default 1,000; at least 1.
    /// </summary>
    public int IntermediateKeyCacheMaxSize
    {
        get => _intermediateKeyCacheMaxSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, 0);
            _intermediateKeyCacheMaxSize = value;
        }
    }

    /// <summary>How the intermediate-key cache evicts. Default <see cref="CacheEvictionPolicy.Simple"/> (unbounded).</summary>
    public CacheEvictionPolicy IntermediateKeyCacheEvictionPolicy
    {
        get => _intermediateKeyCacheEvictionPolicy;
        set => _intermediateKeyCacheEvictionPolicy = CheckPolicy(value);
    }

    /// <summary>
    /// Whether one intermediate-key cache serves every session of the factory (bounded by
    /// <see cref="IntermediateKeyCacheMaxSize"/> across all partitions) instead of one cache per session. Default
    /// <see langword="false"/>. With it, a session's keys outlive the session until evicted or the factory is disposed.
    /// </summary>
    public bool SharedIntermediateKeyCache { get; set; }

    /// <summary>
    /// How the session cache evicts when it holds <see cref="SessionCacheMaxSize"/> sessions. Default
    /// <see cref="CacheEvictionPolicy.Lru"/>; <see cref="CacheEvictionPolicy.Simple"/> keeps every session until it has
    /// been idle for <see cref="SessionCacheExpiration"/>.
    /// </summary>
    public CacheEvictionPolicy SessionCacheEvictionPolicy
    {
        get => _sessionCacheEvictionPolicy;
        set => _sessionCacheEvictionPolicy = CheckPolicy(value);
    }

    /// <summary>
    /// Whether and when the intermediate-key and session caches shrink under memory pressure (and grow back). Default:
    /// off. See <see cref="MemoryPressureOptions"/>.
    /// </summary>
    public MemoryPressureOptions MemoryPressure
    {
        get => _memoryPressure;
        set => _memoryPressure = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Whether decrypting under an expired or revoked intermediate key is logged. Default <see langword="false"/>.</summary>
    public bool NotifyExpiredIntermediateKeyOnRead { get; set; }

    /// <summary>Whether decrypting under an expired or revoked system key is logged. Default <see langword="false"/>.</summary>
    public bool NotifyExpiredSystemKeyOnRead { get; set; }

    private static CacheEvictionPolicy CheckPolicy(CacheEvictionPolicy value)
    {
        if (!Enum.IsDefined(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Not a cache eviction policy.");
        }

        return value;
    }
}

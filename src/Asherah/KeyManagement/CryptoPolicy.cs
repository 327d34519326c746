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
/// bounded policies); the session cache defaults to <see cref="CacheEvictionPolicy.Slru"/> over
/// <see cref="SessionCacheMaxSize"/> (as canonical Go; chosen from the measured hit rates: see README "Key caches"). An evicted key is wiped only when no operation
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
    private CacheEvictionPolicy _sessionCacheEvictionPolicy = CacheEvictionPolicy.Slru;
    private double _refreshAheadFraction = DefaultRefreshAheadFraction;
    private int _maxConcurrentKeyRefreshes = DefaultMaxConcurrentKeyRefreshes;

    /// <summary>The default <see cref="RefreshAheadFraction"/>: 0.8.</summary>
    public const double DefaultRefreshAheadFraction = 0.8;

    /// <summary>The default <see cref="MaxConcurrentKeyRefreshes"/>: 4.</summary>
    public const int DefaultMaxConcurrentKeyRefreshes = 4;
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

    /// <summary>
    /// Whether cached keys are re-checked in the background, so that no operation waits for the metastore on a key it
    /// has cached. Default <see langword="false"/> (canonical behaviour: the first operation after
    /// <see cref="RevokeCheckInterval"/> re-reads the key's record and waits for it).
    /// </summary>
    /// <remarks>
    /// When <see langword="true"/>, an operation that uses a cached key loaded more than
    /// <see cref="RefreshAheadFraction"/> × <see cref="RevokeCheckInterval"/> ago schedules a re-check of that key and
    /// goes on with it (refresh-ahead; a key not used since its interval passed is served stale while the re-check runs:
    /// stale-while-revalidate). One re-check per key at a time, at most <see cref="MaxConcurrentKeyRefreshes"/> at once
    /// per factory. A re-check of the newest key also looks for a newer one. Revocation or a newer key found by a re-check
    /// takes effect on the next encrypt (so one encrypt may still use a key revoked a moment before). When the metastore
    /// fails, cached keys keep being served, the failure is logged (event 20) and counted
    /// (<c>asherah.cache.refreshes</c> with <c>outcome=failed</c>), and the re-check is retried after a back-off (1 s,
    /// doubling up to 1 minute). Expiry is a matter of the key's age, not of the metastore: an expired newest key is
    /// replaced on the encrypt that finds it expired, which waits for the new key as before.
    /// </remarks>
    public bool BackgroundKeyRefresh { get; set; }

    /// <summary>
    /// With <see cref="BackgroundKeyRefresh"/>, the part of <see cref="RevokeCheckInterval"/> after which a used key is
    /// re-checked: from just above 0 to 1. Default 0.8 (a key used often is re-checked every 48 minutes of a 60-minute
    /// interval and never goes stale); 1 re-checks only once the interval has passed (stale-while-revalidate only).
    /// </summary>
    public double RefreshAheadFraction
    {
        get => _refreshAheadFraction;
        set
        {
            if (!(value > 0 && value <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "RefreshAheadFraction must be greater than 0 and at most 1.");
            }

            _refreshAheadFraction = value;
        }
    }

    /// <summary>With <see cref="BackgroundKeyRefresh"/>, the most key re-checks a factory runs at once. Default 4; at least 1.</summary>
    public int MaxConcurrentKeyRefreshes
    {
        get => _maxConcurrentKeyRefreshes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, 0);
            _maxConcurrentKeyRefreshes = value;
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
    /// <see cref="CacheEvictionPolicy.Slru"/> (every new session is admitted, and a session used again is protected from
    /// a run of one-time partitions); <see cref="CacheEvictionPolicy.Simple"/> keeps every session until it has
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

using Asherah.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Asherah;

/// <summary>
/// Everything that configures a <see cref="SessionFactory"/>: ids, the metastore and key management service chosen by
/// name, the key policy, the AES-GCM engine and secure memory. Bound from configuration (section <c>Asherah</c>) and
/// <c>ASHERAH_*</c> environment variables, or set in code.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="ProductId"/> and <see cref="ServiceId"/> are required. <see cref="Metastore"/> and <see cref="Kms"/> name
/// providers (<c>memory</c> and <c>static</c> are built in; adapter packages register more, such as <c>sqlite</c>) and
/// are required unless a metastore or key management service is given in code, which wins over the name.
/// </para>
/// <para>
/// Defaults: <see cref="ExpireAfter"/> 90 days, <see cref="CheckInterval"/> 60 minutes, session caching off,
/// <see cref="SessionCacheMaxSize"/> 1,000, <see cref="SessionCacheDuration"/> 2 hours, key caches unbounded
/// (<see cref="CacheEvictionPolicy.Simple"/>; maximum sizes 1,000 for the bounded policies), session cache
/// <see cref="CacheEvictionPolicy.Slru"/>, <see cref="AesGcmEngine"/>
/// <see cref="AesGcmEngineKind.Auto"/>, <see cref="SecureMemory"/> locked memory required, <see cref="Policy"/>
/// expiring keys, <see cref="WarmUpOnStart"/> on (failures logged, <see cref="FailStartOnWarmUpError"/> off),
/// development components refused in Production (<see cref="AllowDevelopmentComponentsInProduction"/> off).
/// <see cref="CryptoPolicy"/>, when set in code, wins over the policy and cache settings.
/// </para>
/// <para>
/// Where values come from, later winning: the configuration (in which <c>ASHERAH_*</c> variables are one more source,
/// added with <c>AddAsherahEnvironmentVariables</c>, so its position among the sources decides), then the
/// <see cref="Action{T}"/> delegates given in code, in the order they were registered. The configuration keys and the
/// variables are listed in <see cref="AsherahEnvironmentVariables"/>.
/// </para>
/// </remarks>
public sealed class AsherahOptions
{
    /// <summary>The name of the configuration section options are bound from: <c>Asherah</c>.</summary>
    public const string SectionName = "Asherah";

    // Holds and range-checks the cache settings, with CryptoPolicy's defaults (one place for both).
    private readonly NeverExpiredCryptoPolicy _cachePolicy = new();
    private TimeSpan _expireAfter = TimeSpan.FromDays(90);
    private TimeSpan _checkInterval = TimeSpan.FromMinutes(60);
    private int _sessionCacheMaxSize = 1000;
    private TimeSpan _sessionCacheDuration = TimeSpan.FromHours(2);
    private SecureMemoryOptions _secureMemory = new();
    private MemoryPressureOptions _memoryPressure = new();

    /// <summary>The product id (the last part of key ids). Required.</summary>
    /// <remarks>Configuration key <c>Asherah:ProductId</c>; environment <c>ASHERAH_PRODUCT_NAME</c> or <c>ASHERAH_PRODUCT</c>.</remarks>
    public string ProductId { get; set; } = string.Empty;

    /// <summary>The service id. Required.</summary>
    /// <remarks>Configuration key <c>Asherah:ServiceId</c>; environment <c>ASHERAH_SERVICE_NAME</c> or <c>ASHERAH_SERVICE</c>.</remarks>
    public string ServiceId { get; set; } = string.Empty;

    /// <summary>The name of the metastore provider: <c>memory</c> (built in), or one an adapter registers (<c>sqlite</c>).</summary>
    /// <remarks>
    /// Default none: required unless a metastore is given in code (<c>UseMetastore</c>,
    /// <see cref="SessionFactoryBuilder.WithMetastore"/>). Names are case-insensitive. Configuration key
    /// <c>Asherah:Metastore</c>; environment <c>ASHERAH_METASTORE_MODE</c> or <c>ASHERAH_METASTORE</c>.
    /// </remarks>
    public string? Metastore { get; set; }

    /// <summary>The metastore's connection string, read by the metastore provider (for <c>sqlite</c>, a path or <c>Data Source=…</c>).</summary>
    /// <remarks>Default none. Configuration key <c>Asherah:ConnectionString</c>; environment <c>ASHERAH_CONNECTION_STRING</c> or <c>ASHERAH_SQLITE_PATH</c>.</remarks>
    public string? ConnectionString { get; set; }

    /// <summary>The name of the key management service provider: <c>static</c> (built in, development only), or one an adapter registers (<c>aws</c>).</summary>
    /// <remarks>
    /// Default none: required unless a key management service is given in code. Configuration key <c>Asherah:Kms</c>;
    /// environment <c>ASHERAH_KMS_MODE</c> or <c>ASHERAH_KMS</c>.
    /// </remarks>
    public string? Kms { get; set; }

    /// <summary>The master key of the <c>static</c> KMS: exactly 32 bytes in UTF-8. Development and tests only.</summary>
    /// <remarks>
    /// Wins over <see cref="StaticMasterKeyFile"/> when both are set. Never logged or put in an exception message.
    /// Configuration key <c>Asherah:StaticMasterKey</c>; environment <c>ASHERAH_STATIC_MASTER_KEY</c>.
    /// </remarks>
    public string? StaticMasterKey { get; set; }

    /// <summary>
    /// A file holding the master key of the <c>static</c> KMS: exactly 32 bytes, optionally followed by a line break.
    /// </summary>
    /// <remarks>
    /// The file is read into a wiped stack buffer when the factory is built, so the key never becomes a managed string.
    /// It must exist (nothing creates it). Configuration key <c>Asherah:StaticMasterKeyFile</c>; environment
    /// <c>ASHERAH_MASTER_KEY_FILE</c>.
    /// </remarks>
    public string? StaticMasterKeyFile { get; set; }

    /// <summary>How long after creation a system or intermediate key is expired (the next encrypt makes a new one).</summary>
    /// <remarks>
    /// Default 90 days; must be positive. Ignored when <see cref="CryptoPolicy"/> is set. Configuration key
    /// <c>Asherah:ExpireAfter</c>; environment <c>ASHERAH_EXPIRE_AFTER</c>. Text is a Go duration (<c>2160h</c>,
    /// <c>90m</c>, <c>1h30m</c>, and <c>d</c> for days) or a <see cref="TimeSpan"/> (<c>90.00:00:00</c>).
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan ExpireAfter
    {
        get => _expireAfter;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _expireAfter = value;
        }
    }

    /// <summary>How long a cached key is trusted before its record is re-read to notice revocation.</summary>
    /// <remarks>
    /// Default 60 minutes; must be positive. Ignored when <see cref="CryptoPolicy"/> is set. Configuration key
    /// <c>Asherah:CheckInterval</c>; environment <c>ASHERAH_CHECK_INTERVAL</c>.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan CheckInterval
    {
        get => _checkInterval;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _checkInterval = value;
        }
    }

    /// <summary>Whether sessions are cached per partition (shared by concurrent users of the same partition).</summary>
    /// <remarks>
    /// Default <see langword="false"/>. Ignored when <see cref="CryptoPolicy"/> is set. Configuration key
    /// <c>Asherah:EnableSessionCaching</c>; environment <c>ASHERAH_ENABLE_SESSION_CACHING</c>.
    /// </remarks>
    public bool EnableSessionCaching { get; set; }

    /// <summary>Most sessions the session cache keeps (a session evicted while in use is disposed when released).</summary>
    /// <remarks>
    /// Default 1,000; must be positive. Ignored when <see cref="CryptoPolicy"/> is set. Configuration key
    /// <c>Asherah:SessionCacheMaxSize</c>; environment <c>ASHERAH_SESSION_CACHE_MAX_SIZE</c>.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int SessionCacheMaxSize
    {
        get => _sessionCacheMaxSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, 0);
            _sessionCacheMaxSize = value;
        }
    }

    /// <summary>How long an unused cached session is kept.</summary>
    /// <remarks>
    /// Default 2 hours; must be positive. Ignored when <see cref="CryptoPolicy"/> is set. Configuration key
    /// <c>Asherah:SessionCacheDuration</c>; environment <c>ASHERAH_SESSION_CACHE_DURATION</c>.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan SessionCacheDuration
    {
        get => _sessionCacheDuration;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _sessionCacheDuration = value;
        }
    }

    /// <summary>Most system keys cached under a bounded <see cref="SystemKeyCacheEvictionPolicy"/>.</summary>
    /// <remarks>
    /// Default 1,000; must be positive. Ignored when <see cref="CryptoPolicy"/> is set. Configuration key
    /// <c>Asherah:SystemKeyCacheMaxSize</c>; environment <c>ASHERAH_SYSTEM_KEY_CACHE_MAX_SIZE</c>.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int SystemKeyCacheMaxSize
    {
        get => _cachePolicy.SystemKeyCacheMaxSize;
        set => _cachePolicy.SystemKeyCacheMaxSize = value;
    }

    /// <summary>How the system-key cache evicts.</summary>
    /// <remarks>
    /// Default <see cref="CacheEvictionPolicy.Simple"/> (unbounded). Ignored when <see cref="CryptoPolicy"/> is set.
    /// Configuration key <c>Asherah:SystemKeyCacheEvictionPolicy</c> (<c>simple</c>, <c>lru</c>, <c>lfu</c>,
    /// <c>slru</c> or <c>tinylfu</c>, any case); environment <c>ASHERAH_SYSTEM_KEY_CACHE_EVICTION_POLICY</c>.
    /// </remarks>
    public CacheEvictionPolicy SystemKeyCacheEvictionPolicy
    {
        get => _cachePolicy.SystemKeyCacheEvictionPolicy;
        set => _cachePolicy.SystemKeyCacheEvictionPolicy = value;
    }

    /// <summary>Most intermediate keys cached per session (or in the shared cache) under a bounded <see cref="IntermediateKeyCacheEvictionPolicy"/>.</summary>
    /// <remarks>
    /// Default 1,000; must be positive. Ignored when <see cref="CryptoPolicy"/> is set. Configuration key
    /// <c>Asherah:IntermediateKeyCacheMaxSize</c>; environment <c>ASHERAH_INTERMEDIATE_KEY_CACHE_MAX_SIZE</c>.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int IntermediateKeyCacheMaxSize
    {
        get => _cachePolicy.IntermediateKeyCacheMaxSize;
        set => _cachePolicy.IntermediateKeyCacheMaxSize = value;
    }

    /// <summary>How the intermediate-key cache evicts.</summary>
    /// <remarks>
    /// Default <see cref="CacheEvictionPolicy.Simple"/> (unbounded). Ignored when <see cref="CryptoPolicy"/> is set.
    /// Configuration key <c>Asherah:IntermediateKeyCacheEvictionPolicy</c> (<c>simple</c>, <c>lru</c>, <c>lfu</c>,
    /// <c>slru</c> or <c>tinylfu</c>, any case); environment <c>ASHERAH_INTERMEDIATE_KEY_CACHE_EVICTION_POLICY</c>.
    /// </remarks>
    public CacheEvictionPolicy IntermediateKeyCacheEvictionPolicy
    {
        get => _cachePolicy.IntermediateKeyCacheEvictionPolicy;
        set => _cachePolicy.IntermediateKeyCacheEvictionPolicy = value;
    }

    /// <summary>Whether one intermediate-key cache serves every session of the factory instead of one per session.</summary>
    /// <remarks>
    /// Default <see langword="false"/>. Ignored when <see cref="CryptoPolicy"/> is set. Configuration key
    /// <c>Asherah:SharedIntermediateKeyCache</c>; environment <c>ASHERAH_SHARED_INTERMEDIATE_KEY_CACHE</c>.
    /// </remarks>
    public bool SharedIntermediateKeyCache
    {
        get => _cachePolicy.SharedIntermediateKeyCache;
        set => _cachePolicy.SharedIntermediateKeyCache = value;
    }

    /// <summary>How the session cache evicts when it holds <see cref="SessionCacheMaxSize"/> sessions.</summary>
    /// <remarks>
    /// Default <see cref="CacheEvictionPolicy.Slru"/>. Ignored when <see cref="CryptoPolicy"/> is set. Configuration key
    /// <c>Asherah:SessionCacheEvictionPolicy</c> (<c>simple</c>, <c>lru</c>, <c>lfu</c>, <c>slru</c> or
    /// <c>tinylfu</c>, any case); environment <c>ASHERAH_SESSION_CACHE_EVICTION_POLICY</c>.
    /// </remarks>
    public CacheEvictionPolicy SessionCacheEvictionPolicy
    {
        get => _cachePolicy.SessionCacheEvictionPolicy;
        set => _cachePolicy.SessionCacheEvictionPolicy = value;
    }

    /// <summary>Whether cached keys are re-checked in the background instead of while an operation waits (see <see cref="CryptoPolicy.BackgroundKeyRefresh"/>).</summary>
    /// <remarks>
    /// Default <see langword="false"/>. Ignored when <see cref="CryptoPolicy"/> is set. Configuration key
    /// <c>Asherah:BackgroundKeyRefresh</c>; environment <c>ASHERAH_BACKGROUND_KEY_REFRESH</c>.
    /// </remarks>
    public bool BackgroundKeyRefresh
    {
        get => _cachePolicy.BackgroundKeyRefresh;
        set => _cachePolicy.BackgroundKeyRefresh = value;
    }

    /// <summary>With <see cref="BackgroundKeyRefresh"/>, the part of <see cref="CheckInterval"/> after which a used key is re-checked (see <see cref="CryptoPolicy.RefreshAheadFraction"/>).</summary>
    /// <remarks>
    /// Default 0.8; greater than 0, at most 1. Ignored when <see cref="CryptoPolicy"/> is set. Configuration key
    /// <c>Asherah:RefreshAheadFraction</c>; environment <c>ASHERAH_REFRESH_AHEAD_FRACTION</c>.
    /// </remarks>
    public double RefreshAheadFraction
    {
        get => _cachePolicy.RefreshAheadFraction;
        set => _cachePolicy.RefreshAheadFraction = value;
    }

    /// <summary>With <see cref="BackgroundKeyRefresh"/>, the most key re-checks a factory runs at once.</summary>
    /// <remarks>
    /// Default 4; at least 1. Ignored when <see cref="CryptoPolicy"/> is set. Configuration key
    /// <c>Asherah:MaxConcurrentKeyRefreshes</c>; environment <c>ASHERAH_MAX_CONCURRENT_KEY_REFRESHES</c>.
    /// </remarks>
    public int MaxConcurrentKeyRefreshes
    {
        get => _cachePolicy.MaxConcurrentKeyRefreshes;
        set => _cachePolicy.MaxConcurrentKeyRefreshes = value;
    }

    /// <summary>A policy set in code; when set it wins over <see cref="ExpireAfter"/>, <see cref="CheckInterval"/> and the session cache settings.</summary>
    /// <remarks>Default <see langword="null"/>: a <see cref="BasicExpiringCryptoPolicy"/> made from those settings. Not bound from configuration.</remarks>
    public CryptoPolicy? CryptoPolicy { get; set; }

    /// <summary>The AES-256-GCM implementation.</summary>
    /// <remarks>
    /// Default <see cref="AesGcmEngineKind.Auto"/>. Configuration key <c>Asherah:AesGcmEngine</c> (<c>Auto</c>,
    /// <c>Intrinsics</c> or <c>Platform</c>); environment <c>ASHERAH_AES_GCM_ENGINE</c>.
    /// </remarks>
    public AesGcmEngineKind AesGcmEngine { get; set; } = AesGcmEngineKind.Auto;

    /// <summary>How cached keys are held in secure memory.</summary>
    /// <remarks>
    /// Default: locked memory required, no strict mode, core dumps left as they are. Configuration keys
    /// <c>Asherah:SecureMemory:AllowUnlockedFallback</c>, <c>:StrictProtection</c>, <c>:DisableCoreDumps</c>,
    /// <c>:ChunkSize</c>; environment <c>ASHERAH_SECURE_MEMORY_ALLOW_UNLOCKED_FALLBACK</c>,
    /// <c>ASHERAH_SECURE_MEMORY_STRICT_PROTECTION</c>, <c>ASHERAH_SECURE_MEMORY_DISABLE_CORE_DUMPS</c>,
    /// <c>ASHERAH_SECURE_MEMORY_CHUNK_SIZE</c>.
    /// </remarks>
    public SecureMemoryOptions SecureMemory
    {
        get => _secureMemory;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _secureMemory = value;
        }
    }

    /// <summary>Whether and when the intermediate-key and session caches shrink under memory pressure (<see cref="MemoryPressureOptions"/>).</summary>
    /// <remarks>
    /// Default off. Ignored when <see cref="CryptoPolicy"/> is set (set <see cref="Asherah.CryptoPolicy.MemoryPressure"/>
    /// there). Configuration keys <c>Asherah:MemoryPressure:Enabled</c>, <c>:CheckInterval</c>, <c>:RecoveryDelay</c>,
    /// <c>:MemoryLoadThreshold</c>, <c>:LockedMemoryThreshold</c>, <c>:MinimumCacheSize</c>; environment
    /// <c>ASHERAH_MEMORY_PRESSURE_ENABLED</c>, <c>ASHERAH_MEMORY_PRESSURE_CHECK_INTERVAL</c>,
    /// <c>ASHERAH_MEMORY_PRESSURE_RECOVERY_DELAY</c>, <c>ASHERAH_MEMORY_PRESSURE_MEMORY_LOAD_THRESHOLD</c>,
    /// <c>ASHERAH_MEMORY_PRESSURE_LOCKED_MEMORY_THRESHOLD</c>, <c>ASHERAH_MEMORY_PRESSURE_MINIMUM_CACHE_SIZE</c>.
    /// </remarks>
    public MemoryPressureOptions MemoryPressure
    {
        get => _memoryPressure;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _memoryPressure = value;
        }
    }

    /// <summary>Which policy the policy settings make: expiring keys (the default) or keys that never expire (tests only).</summary>
    /// <remarks>
    /// Default <see cref="CryptoPolicyKind.BasicExpiring"/>. With <see cref="CryptoPolicyKind.NeverExpired"/>,
    /// <see cref="ExpireAfter"/> and <see cref="CheckInterval"/> are ignored. Ignored when <see cref="CryptoPolicy"/> is
    /// set. Configuration key <c>Asherah:Policy</c> (<c>BasicExpiring</c> or <c>NeverExpired</c>); environment
    /// <c>ASHERAH_CRYPTO_POLICY</c>.
    /// </remarks>
    public CryptoPolicyKind Policy { get; set; } = CryptoPolicyKind.BasicExpiring;

    /// <summary>Whether decrypting under an expired or revoked intermediate key is logged (<see cref="CryptoPolicy.NotifyExpiredIntermediateKeyOnRead"/>).</summary>
    /// <remarks>
    /// Default <see langword="false"/>. Ignored when <see cref="CryptoPolicy"/> is set. Configuration key
    /// <c>Asherah:NotifyExpiredIntermediateKeyOnRead</c>; environment <c>ASHERAH_NOTIFY_EXPIRED_INTERMEDIATE_KEY_ON_READ</c>.
    /// </remarks>
    public bool NotifyExpiredIntermediateKeyOnRead { get; set; }

    /// <summary>Whether decrypting under an expired or revoked system key is logged (<see cref="CryptoPolicy.NotifyExpiredSystemKeyOnRead"/>).</summary>
    /// <remarks>
    /// Default <see langword="false"/>. Ignored when <see cref="CryptoPolicy"/> is set. Configuration key
    /// <c>Asherah:NotifyExpiredSystemKeyOnRead</c>; environment <c>ASHERAH_NOTIFY_EXPIRED_SYSTEM_KEY_ON_READ</c>.
    /// </remarks>
    public bool NotifyExpiredSystemKeyOnRead { get; set; }

    /// <summary>
    /// Whether the generic host loads the system key when it starts (creating it if there is none, as the first
    /// encrypt would), so that the first request finds it cached.
    /// </summary>
    /// <remarks>
    /// Default <see langword="true"/>. Only under a host (<c>IHost.StartAsync</c>, which runs the hosted service
    /// <c>AddAsherah</c> registers); a plain service provider or <see cref="SessionFactoryBuilder.FromOptions"/> never
    /// warms up. What a failure does: <see cref="FailStartOnWarmUpError"/>. Configuration key <c>Asherah:WarmUpOnStart</c>;
    /// environment <c>ASHERAH_WARM_UP_ON_START</c>.
    /// </remarks>
    public bool WarmUpOnStart { get; set; } = true;

    /// <summary>Whether a failed warm-up (metastore or KMS unreachable) fails the host's start instead of only being logged.</summary>
    /// <remarks>
    /// Default <see langword="false"/>: the failure is logged as an error (event 201) and the host starts; the first
    /// request then loads the key itself, and fails if the metastore or KMS is still down. A transient outage during a
    /// deployment then does not crash-loop every instance; readiness is the health check's job
    /// (<c>AddHealthChecks().AddAsherah()</c>). Set it where a failed start is the better signal. A factory that cannot be
    /// built (invalid options, a development component refused in Production) fails the start either way.
    /// Configuration key <c>Asherah:FailStartOnWarmUpError</c>; environment <c>ASHERAH_FAIL_START_ON_WARM_UP_ERROR</c>.
    /// </remarks>
    public bool FailStartOnWarmUpError { get; set; }

    /// <summary>
    /// Whether the static KMS, the in-memory metastore and the never-expiring policy may be used when the host environment
    /// is Production.
    /// </summary>
    /// <remarks>
    /// Default <see langword="false"/>: under a host whose <c>IHostEnvironment</c> is Production (the generic host's
    /// default when <c>DOTNET_ENVIRONMENT</c>/<c>ASPNETCORE_ENVIRONMENT</c> is unset), the factory refuses them at start with
    /// a message naming the component. Without a registered <c>IHostEnvironment</c> (a console app, the CLI,
    /// <see cref="SessionFactoryBuilder.FromOptions"/>) nothing is refused. Configuration key
    /// <c>Asherah:AllowDevelopmentComponentsInProduction</c>; environment
    /// <c>ASHERAH_ALLOW_DEVELOPMENT_COMPONENTS_IN_PRODUCTION</c>.
    /// </remarks>
    public bool AllowDevelopmentComponentsInProduction { get; set; }

    /// <summary>The configuration section these options were last bound from, for providers that read settings of their own.</summary>
    internal IConfiguration? Configuration { get; set; }

    /// <summary>Values the configuration held that could not be read; reported by validation.</summary>
    internal List<string> BindingErrors { get; } = [];

    /// <summary>
    /// Reads options from <paramref name="configuration"/>: its <c>Asherah</c> section when it is a root (such as
    /// <c>builder.Configuration</c>), or <paramref name="configuration"/> itself when it is a section.
    /// </summary>
    /// <remarks>
    /// Values missing from the configuration keep their defaults. Nothing is validated beyond parsing: the factory
    /// checks the rest when it is built (<see cref="SessionFactoryBuilder.FromOptions"/>). Trim- and AOT-safe (no
    /// reflection).
    /// </remarks>
    /// <exception cref="OptionsValidationException">A value cannot be parsed (a duration, number, flag or engine name), or is out of range.</exception>
    public static AsherahOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new AsherahOptions();
        AsherahOptionsBinder.Bind(AsherahOptionsBinder.SectionOf(configuration), options);
        if (options.BindingErrors.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(AsherahOptions), options.BindingErrors);
        }

        return options;
    }

    /// <summary>Reads options from the process's <c>ASHERAH_*</c> environment variables (see <see cref="AsherahEnvironmentVariables"/>).</summary>
    /// <exception cref="OptionsValidationException">A value cannot be parsed or is out of range.</exception>
    /// <exception cref="InvalidOperationException">Two names for one setting are set to different values.</exception>
    public static AsherahOptions FromEnvironment() =>
        FromConfiguration(new ConfigurationBuilder().AddAsherahEnvironmentVariables().Build());

    /// <summary>The policy these options describe: <see cref="CryptoPolicy"/> when set, else one made from the policy settings.</summary>
    internal CryptoPolicy ResolvePolicy()
    {
        if (CryptoPolicy is not null)
        {
            return CryptoPolicy;
        }

        CryptoPolicy policy = Policy == CryptoPolicyKind.NeverExpired
            ? new NeverExpiredCryptoPolicy()
            : new BasicExpiringCryptoPolicy { KeyExpiration = ExpireAfter, RevokeCheckInterval = CheckInterval };
        policy.CacheSessions = EnableSessionCaching;
        policy.SessionCacheMaxSize = SessionCacheMaxSize;
        policy.SessionCacheExpiration = SessionCacheDuration;
        policy.SystemKeyCacheMaxSize = SystemKeyCacheMaxSize;
        policy.SystemKeyCacheEvictionPolicy = SystemKeyCacheEvictionPolicy;
        policy.IntermediateKeyCacheMaxSize = IntermediateKeyCacheMaxSize;
        policy.IntermediateKeyCacheEvictionPolicy = IntermediateKeyCacheEvictionPolicy;
        policy.SharedIntermediateKeyCache = SharedIntermediateKeyCache;
        policy.SessionCacheEvictionPolicy = SessionCacheEvictionPolicy;
        policy.BackgroundKeyRefresh = BackgroundKeyRefresh;
        policy.RefreshAheadFraction = RefreshAheadFraction;
        policy.MaxConcurrentKeyRefreshes = MaxConcurrentKeyRefreshes;
        policy.NotifyExpiredIntermediateKeyOnRead = NotifyExpiredIntermediateKeyOnRead;
        policy.NotifyExpiredSystemKeyOnRead = NotifyExpiredSystemKeyOnRead;
        policy.MemoryPressure = MemoryPressure.Clone();
        return policy;
    }
}

using System.Collections.Frozen;

namespace Asherah;

/// <summary>
/// The <c>ASHERAH_*</c> environment variables and the configuration keys they set, read by
/// <c>AddAsherahEnvironmentVariables</c> and <see cref="AsherahOptions.FromEnvironment"/>.
/// </summary>
/// <remarks>
/// <para>
/// Both canonical Asherah server names (so the sidecar is a drop-in for it) and the CLI's short names are accepted.
/// Setting two names of one setting to different values is an error, not a silent choice. Empty variables are ignored.
/// </para>
/// <para>
/// Differences from the canonical server, on purpose: an unset <c>ASHERAH_EXPIRE_AFTER</c> or
/// <c>ASHERAH_CHECK_INTERVAL</c> means the default (90 days, 60 minutes), where the canonical server passes zero; a
/// zero duration is refused. <c>ASHERAH_KMS_MODE=static</c> needs a key (<c>ASHERAH_STATIC_MASTER_KEY</c> or
/// <c>ASHERAH_MASTER_KEY_FILE</c>), where the canonical server uses a built-in test key.
/// </para>
/// <code>
/// ASHERAH_PRODUCT_NAME | ASHERAH_PRODUCT                 Asherah:ProductId
/// ASHERAH_SERVICE_NAME | ASHERAH_SERVICE                 Asherah:ServiceId
/// ASHERAH_METASTORE_MODE | ASHERAH_METASTORE             Asherah:Metastore            memory | sqlite | (adapters)
/// ASHERAH_CONNECTION_STRING | ASHERAH_SQLITE_PATH        Asherah:ConnectionString
/// ASHERAH_KMS_MODE | ASHERAH_KMS                         Asherah:Kms                  static | (adapters: aws)
/// ASHERAH_STATIC_MASTER_KEY                              Asherah:StaticMasterKey
/// ASHERAH_MASTER_KEY_FILE                                Asherah:StaticMasterKeyFile
/// ASHERAH_EXPIRE_AFTER                                   Asherah:ExpireAfter          Go duration (2160h) or TimeSpan
/// ASHERAH_CHECK_INTERVAL                                 Asherah:CheckInterval
/// ASHERAH_ENABLE_SESSION_CACHING                         Asherah:EnableSessionCaching true | false
/// ASHERAH_SESSION_CACHE_MAX_SIZE                         Asherah:SessionCacheMaxSize
/// ASHERAH_SESSION_CACHE_DURATION                         Asherah:SessionCacheDuration
/// ASHERAH_SYSTEM_KEY_CACHE_MAX_SIZE                      Asherah:SystemKeyCacheMaxSize
/// ASHERAH_SYSTEM_KEY_CACHE_EVICTION_POLICY               Asherah:SystemKeyCacheEvictionPolicy         simple | lru | lfu | slru | tinylfu
/// ASHERAH_INTERMEDIATE_KEY_CACHE_MAX_SIZE                Asherah:IntermediateKeyCacheMaxSize
/// ASHERAH_INTERMEDIATE_KEY_CACHE_EVICTION_POLICY         Asherah:IntermediateKeyCacheEvictionPolicy   simple | lru | lfu | slru | tinylfu
/// ASHERAH_SHARED_INTERMEDIATE_KEY_CACHE                  Asherah:SharedIntermediateKeyCache           true | false
/// ASHERAH_SESSION_CACHE_EVICTION_POLICY                  Asherah:SessionCacheEvictionPolicy           simple | lru | lfu | slru | tinylfu
/// ASHERAH_BACKGROUND_KEY_REFRESH                         Asherah:BackgroundKeyRefresh                 true | false
/// ASHERAH_REFRESH_AHEAD_FRACTION                         Asherah:RefreshAheadFraction                 0 &lt; x &lt;= 1 (0.8)
/// ASHERAH_MAX_CONCURRENT_KEY_REFRESHES                   Asherah:MaxConcurrentKeyRefreshes
/// ASHERAH_AES_GCM_ENGINE                                 Asherah:AesGcmEngine         Auto | Intrinsics | Platform
/// ASHERAH_SECURE_MEMORY_ALLOW_UNLOCKED_FALLBACK          Asherah:SecureMemory:AllowUnlockedFallback
/// ASHERAH_SECURE_MEMORY_STRICT_PROTECTION                Asherah:SecureMemory:StrictProtection
/// ASHERAH_SECURE_MEMORY_DISABLE_CORE_DUMPS               Asherah:SecureMemory:DisableCoreDumps
/// ASHERAH_SECURE_MEMORY_CHUNK_SIZE                       Asherah:SecureMemory:ChunkSize
/// ASHERAH_MEMORY_PRESSURE_ENABLED                        Asherah:MemoryPressure:Enabled               true | false
/// ASHERAH_MEMORY_PRESSURE_CHECK_INTERVAL                 Asherah:MemoryPressure:CheckInterval         Go duration (10s) or TimeSpan
/// ASHERAH_MEMORY_PRESSURE_RECOVERY_DELAY                 Asherah:MemoryPressure:RecoveryDelay
/// ASHERAH_MEMORY_PRESSURE_MEMORY_LOAD_THRESHOLD          Asherah:MemoryPressure:MemoryLoadThreshold   fraction (0.9)
/// ASHERAH_MEMORY_PRESSURE_LOCKED_MEMORY_THRESHOLD        Asherah:MemoryPressure:LockedMemoryThreshold fraction (0.9)
/// ASHERAH_MEMORY_PRESSURE_MINIMUM_CACHE_SIZE             Asherah:MemoryPressure:MinimumCacheSize
/// ASHERAH_CRYPTO_POLICY                                  Asherah:Policy               BasicExpiring | NeverExpired
/// ASHERAH_NOTIFY_EXPIRED_INTERMEDIATE_KEY_ON_READ        Asherah:NotifyExpiredIntermediateKeyOnRead
/// ASHERAH_NOTIFY_EXPIRED_SYSTEM_KEY_ON_READ              Asherah:NotifyExpiredSystemKeyOnRead
/// ASHERAH_WARM_UP_ON_START                               Asherah:WarmUpOnStart        true | false
/// ASHERAH_FAIL_START_ON_WARM_UP_ERROR                    Asherah:FailStartOnWarmUpError
/// ASHERAH_ALLOW_DEVELOPMENT_COMPONENTS_IN_PRODUCTION     Asherah:AllowDevelopmentComponentsInProduction
/// </code>
/// The canonical server's adapter settings are passed through under the same section for adapter packages to read
/// (the core ignores them): <c>ASHERAH_REGION_MAP</c> (<c>Asherah:RegionMap</c>), <c>ASHERAH_PREFERRED_REGION</c>,
/// <c>ASHERAH_ENABLE_REGION_SUFFIX</c>, <c>ASHERAH_DYNAMODB_ENDPOINT</c>, <c>ASHERAH_DYNAMODB_REGION</c>,
/// <c>ASHERAH_DYNAMODB_TABLE_NAME</c>, <c>ASHERAH_REPLICA_READ_CONSISTENCY</c>, <c>ASHERAH_VERBOSE</c>.
/// </remarks>
public static class AsherahEnvironmentVariables
{
    // variable -> configuration key; the first name of each key is the canonical server's.
    private static readonly (string Variable, string Key)[] Table =
    [
        ("ASHERAH_PRODUCT_NAME", "Asherah:ProductId"),
        ("ASHERAH_PRODUCT", "Asherah:ProductId"),
        ("ASHERAH_SERVICE_NAME", "Asherah:ServiceId"),
        ("ASHERAH_SERVICE", "Asherah:ServiceId"),
        ("ASHERAH_METASTORE_MODE", "Asherah:Metastore"),
        ("ASHERAH_METASTORE", "Asherah:Metastore"),
        ("ASHERAH_CONNECTION_STRING", "Asherah:ConnectionString"),
        ("ASHERAH_SQLITE_PATH", "Asherah:ConnectionString"),
        ("ASHERAH_KMS_MODE", "Asherah:Kms"),
        ("ASHERAH_KMS", "Asherah:Kms"),
        ("ASHERAH_STATIC_MASTER_KEY", "Asherah:StaticMasterKey"),
        ("ASHERAH_MASTER_KEY_FILE", "Asherah:StaticMasterKeyFile"),
        ("ASHERAH_EXPIRE_AFTER", "Asherah:ExpireAfter"),
        ("ASHERAH_CHECK_INTERVAL", "Asherah:CheckInterval"),
        ("ASHERAH_ENABLE_SESSION_CACHING", "Asherah:EnableSessionCaching"),
        ("ASHERAH_SESSION_CACHE_MAX_SIZE", "Asherah:SessionCacheMaxSize"),
        ("ASHERAH_SESSION_CACHE_DURATION", "Asherah:SessionCacheDuration"),
        ("ASHERAH_SYSTEM_KEY_CACHE_MAX_SIZE", "Asherah:SystemKeyCacheMaxSize"),
        ("ASHERAH_SYSTEM_KEY_CACHE_EVICTION_POLICY", "Asherah:SystemKeyCacheEvictionPolicy"),
        ("ASHERAH_INTERMEDIATE_KEY_CACHE_MAX_SIZE", "Asherah:IntermediateKeyCacheMaxSize"),
        ("ASHERAH_INTERMEDIATE_KEY_CACHE_EVICTION_POLICY", "Asherah:IntermediateKeyCacheEvictionPolicy"),
        ("ASHERAH_SHARED_INTERMEDIATE_KEY_CACHE", "Asherah:SharedIntermediateKeyCache"),
        ("ASHERAH_SESSION_CACHE_EVICTION_POLICY", "Asherah:SessionCacheEvictionPolicy"),
        ("ASHERAH_BACKGROUND_KEY_REFRESH", "Asherah:BackgroundKeyRefresh"),
        ("ASHERAH_REFRESH_AHEAD_FRACTION", "Asherah:RefreshAheadFraction"),
        ("ASHERAH_MAX_CONCURRENT_KEY_REFRESHES", "Asherah:MaxConcurrentKeyRefreshes"),
        ("ASHERAH_AES_GCM_ENGINE", "Asherah:AesGcmEngine"),
        ("ASHERAH_SECURE_MEMORY_ALLOW_UNLOCKED_FALLBACK", "Asherah:SecureMemory:AllowUnlockedFallback"),
        ("ASHERAH_SECURE_MEMORY_STRICT_PROTECTION", "Asherah:SecureMemory:StrictProtection"),
        ("ASHERAH_SECURE_MEMORY_DISABLE_CORE_DUMPS", "Asherah:SecureMemory:DisableCoreDumps"),
        ("ASHERAH_SECURE_MEMORY_CHUNK_SIZE", "Asherah:SecureMemory:ChunkSize"),
        ("ASHERAH_MEMORY_PRESSURE_ENABLED", "Asherah:MemoryPressure:Enabled"),
        ("ASHERAH_MEMORY_PRESSURE_CHECK_INTERVAL", "Asherah:MemoryPressure:CheckInterval"),
        ("ASHERAH_MEMORY_PRESSURE_RECOVERY_DELAY", "Asherah:MemoryPressure:RecoveryDelay"),
        ("ASHERAH_MEMORY_PRESSURE_MEMORY_LOAD_THRESHOLD", "Asherah:MemoryPressure:MemoryLoadThreshold"),
        ("ASHERAH_MEMORY_PRESSURE_LOCKED_MEMORY_THRESHOLD", "Asherah:MemoryPressure:LockedMemoryThreshold"),
        ("ASHERAH_MEMORY_PRESSURE_MINIMUM_CACHE_SIZE", "Asherah:MemoryPressure:MinimumCacheSize"),
        ("ASHERAH_CRYPTO_POLICY", "Asherah:Policy"),
        ("ASHERAH_NOTIFY_EXPIRED_INTERMEDIATE_KEY_ON_READ", "Asherah:NotifyExpiredIntermediateKeyOnRead"),
        ("ASHERAH_NOTIFY_EXPIRED_SYSTEM_KEY_ON_READ", "Asherah:NotifyExpiredSystemKeyOnRead"),
        ("ASHERAH_WARM_UP_ON_START", "Asherah:WarmUpOnStart"),
        ("ASHERAH_FAIL_START_ON_WARM_UP_ERROR", "Asherah:FailStartOnWarmUpError"),
        ("ASHERAH_ALLOW_DEVELOPMENT_COMPONENTS_IN_PRODUCTION", "Asherah:AllowDevelopmentComponentsInProduction"),
        ("ASHERAH_REGION_MAP", "Asherah:RegionMap"),
        ("ASHERAH_PREFERRED_REGION", "Asherah:PreferredRegion"),
        ("ASHERAH_ENABLE_REGION_SUFFIX", "Asherah:EnableRegionSuffix"),
        ("ASHERAH_DYNAMODB_ENDPOINT", "Asherah:DynamoDbEndpoint"),
        ("ASHERAH_DYNAMODB_REGION", "Asherah:DynamoDbRegion"),
        ("ASHERAH_DYNAMODB_TABLE_NAME", "Asherah:DynamoDbTableName"),
        ("ASHERAH_REPLICA_READ_CONSISTENCY", "Asherah:ReplicaReadConsistency"),
        ("ASHERAH_VERBOSE", "Asherah:Verbose"),
    ];

    private static readonly FrozenDictionary<string, string> s_keys = Table.ToFrozenDictionary(e => e.Variable, e => e.Key, StringComparer.Ordinal);

    /// <summary>Every accepted variable name and the configuration key it sets (for example <c>ASHERAH_PRODUCT_NAME</c> to <c>Asherah:ProductId</c>).</summary>
    public static IReadOnlyDictionary<string, string> ConfigurationKeys => s_keys;

    /// <summary>The variables that set <paramref name="key"/>, for messages ("ASHERAH_PRODUCT_NAME or ASHERAH_PRODUCT").</summary>
    internal static string NamesOf(string key)
    {
        var names = Table.Where(e => string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase)).Select(e => e.Variable).ToArray();
        return names.Length == 0 ? string.Empty : string.Join(" or ", names);
    }

    /// <summary>Reads every variable through <paramref name="getVariable"/> into configuration keys.</summary>
    /// <exception cref="InvalidOperationException">Two names of one key hold different values (the values are not shown).</exception>
    internal static Dictionary<string, string?> Read(Func<string, string?> getVariable)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var from = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (variable, key) in Table)
        {
            var value = getVariable(variable);
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            if (data.TryGetValue(key, out var earlier))
            {
                if (!string.Equals(earlier, value, StringComparison.Ordinal))
                {
                    // Name both variables, never their values: one may be a master key.
                    throw new InvalidOperationException($"The environment variables {from[key]} and {variable} both set {key} but differ; unset one of them.");
                }

                continue;
            }

            data[key] = value;
            from[key] = variable;
        }

        return data;
    }
}

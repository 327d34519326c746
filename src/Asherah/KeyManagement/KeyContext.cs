using Asherah.Caching;
using Asherah.Crypto;
using Asherah.Diagnostics;
using Asherah.Keys;
using Asherah.SecureMemory;
using Microsoft.Extensions.Logging;

namespace Asherah.KeyManagement;

/// <summary>What every key ring of one session factory shares.</summary>
/// <remarks>Owns the shared intermediate-key cache, when the policy asks for one; the factory disposes it last.</remarks>
internal sealed class KeyContext(
    IMetastore metastore,
    IKeyManagementService kms,
    CryptoPolicy policy,
    AesGcmEngine engine,
    KeyMaterialAllocator keyAllocator,
    TimeProvider time,
    ILogger logger,
    AsherahMetrics metrics)
{
    public IMetastore Metastore { get; } = metastore;

    public IKeyManagementService Kms { get; } = kms;

    public CryptoPolicy Policy { get; } = policy;

    public AesGcmEngine Engine { get; } = engine;

    /// <summary>Secure memory for key material handed to and returned by the KMS.</summary>
    public KeyMaterialAllocator KeyAllocator { get; } = keyAllocator;

    /// <summary>Secure memory for cached keys.</summary>
    public SecureAllocator Allocator { get; } = keyAllocator.Allocator;

    public TimeProvider Time { get; } = time;

    public ILogger Logger { get; } = logger;

    public AsherahMetrics Metrics { get; } = metrics;

    /// <summary>The intermediate-key cache every session shares (<see cref="CryptoPolicy.SharedIntermediateKeyCache"/>), or <see langword="null"/>.</summary>
    public IBoundedCache<CachedKeyId, KeyCacheEntry>? SharedIntermediateKeys { get; } =
        policy.CacheIntermediateKeys && policy.SharedIntermediateKeyCache ? KeyCache.NewIntermediateKeyStore(policy, metrics) : null;

    /// <summary>The background re-checks of cached keys (<see cref="CryptoPolicy.BackgroundKeyRefresh"/>), or <see langword="null"/>.</summary>
    public KeyRefresher? Refresher { get; } =
        policy.BackgroundKeyRefresh && policy.RevokeCheckInterval != TimeSpan.MaxValue ? new KeyRefresher(policy.MaxConcurrentKeyRefreshes) : null;
    /// <summary>
    /// The factory's memory-pressure monitor (<see cref="MemoryPressureOptions.Enabled"/>), or <see langword="null"/>;
    /// <see cref="KeyAllocator"/> then asks it to shrink the caches when an allocation is refused.
    /// </summary>
    public MemoryPressureMonitor? MemoryPressure { get; init; }

    /// <summary>Whether a key must not be used for new writes.</summary>
    public bool IsInvalidForWrite(CryptoKey key, DateTimeOffset now) =>
        key.Revoked || Policy.IsKeyExpired(DateTimeOffset.FromUnixTimeSeconds(key.Created), now);

    /// <summary>Whether a stored record must not be used for new writes.</summary>
    public bool IsInvalidForWrite(EnvelopeKeyRecord record, DateTimeOffset now) =>
        record.IsRevoked || Policy.IsKeyExpired(record.Created, now);
}

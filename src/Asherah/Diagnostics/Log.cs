using Microsoft.Extensions.Logging;

namespace Asherah.Diagnostics;

/// <summary>Every log message of the core, with stable event ids (1–99). Never logs key material.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Created {Tier} key {KeyId} at {Created}")]
    public static partial void KeyCreated(ILogger logger, string tier, string keyId, long created);

    [LoggerMessage(2, LogLevel.Debug, "Another writer stored {Tier} key {KeyId} at {Created} first; using its key")]
    public static partial void DuplicateKey(ILogger logger, string tier, string keyId, long created);

    [LoggerMessage(3, LogLevel.Debug, "Loaded {Tier} key {KeyId} created at {Created} from the metastore")]
    public static partial void KeyLoaded(ILogger logger, string tier, string keyId, long created);

    [LoggerMessage(4, LogLevel.Information, "Decrypting with expired or revoked {Tier} key {KeyId} created at {Created}")]
    public static partial void ExpiredKeyRead(ILogger logger, string tier, string keyId, long created);

    [LoggerMessage(5, LogLevel.Debug, "Latest {Tier} key {KeyId} created at {Created} is expired or revoked; rotating")]
    public static partial void RotatingKey(ILogger logger, string tier, string keyId, long created);

    [LoggerMessage(6, LogLevel.Debug, "Evicted cached session for a partition after {IdleSeconds} s unused")]
    public static partial void SessionEvicted(ILogger logger, double idleSeconds);

    [LoggerMessage(7, LogLevel.Warning, "The system key {KeyId} created at {Created} that encrypts the latest intermediate key is unavailable; creating a new intermediate key")]
    public static partial void ParentKeyUnusable(ILogger logger, string keyId, long created);

    [LoggerMessage(8, LogLevel.Warning, "The newest intermediate key {KeyId} created at {Created} is encrypted under another service's system key; creating a new intermediate key")]
    public static partial void ForeignParentKey(ILogger logger, string keyId, long created);

    [LoggerMessage(9, LogLevel.Warning, "The {Kind} id {Id} contains '_': key ids are concatenated with '_', so it can produce the same intermediate key ids as another service or product")]
    public static partial void UnderscoreInId(ILogger logger, string kind, string id);

    [LoggerMessage(10, LogLevel.Warning, "The newest {Tier} key {KeyId} is created at {Created}, more than {SkewSeconds} s ahead of this host's clock; not using it for writes, creating a new key")]
    public static partial void FutureKey(ILogger logger, string tier, string keyId, long created, long skewSeconds);

    [LoggerMessage(20, LogLevel.Warning, "Re-checking cached {Tier} key {KeyId} created at {Created} failed ({Failures} in a row); still using the cached key, next attempt in {RetrySeconds} s")]
    public static partial void RefreshFailed(ILogger logger, Exception exception, string tier, string keyId, long created, int failures, long retrySeconds);

    [LoggerMessage(21, LogLevel.Information, "Cached {Tier} key {KeyId} created at {Created} was found revoked by a background re-check; the next encrypt rotates it")]
    public static partial void RevokedKeyFound(ILogger logger, string tier, string keyId, long created);

    [LoggerMessage(11, LogLevel.Warning, "Memory pressure ({Reason}): shrank the {Tier} cache from {OldCapacity} to {NewCapacity} entries; {Entries} cached")]
    public static partial void CacheShrunk(ILogger logger, string tier, int oldCapacity, int newCapacity, string reason, int entries);

    [LoggerMessage(12, LogLevel.Information, "Memory pressure gone: grew the {Tier} cache's capacity from {OldCapacity} to {NewCapacity} entries")]
    public static partial void CacheGrown(ILogger logger, string tier, int oldCapacity, int newCapacity);
}

using Asherah.Keys;

namespace Asherah.KeyManagement;

/// <summary>A cached key and when its record was last read; the cache owns one reference to the key.</summary>
internal sealed class KeyCacheEntry(CryptoKey key, long loadedAt)
{
    private long _loadedAt = loadedAt;

    public CryptoKey Key { get; } = key;

    /// <summary>When the key's record was last read, UTC ticks.</summary>
    public long LoadedAt => Volatile.Read(ref _loadedAt);

    /// <summary>Marks the record as just read.</summary>
    public void Touch(long nowTicks) => Volatile.Write(ref _loadedAt, nowTicks);
}

using System.Runtime.CompilerServices;

namespace Asherah.KeyManagement;

/// <summary>A key cache's key: (key id, created), with the id's hash computed once per ring rather than per lookup.</summary>
/// <remarks>
/// The ring's own id is looked up on every operation; its string hash is taken when the ring is made and reused, so a
/// hit hashes two integers. Equality compares the id by reference first (the ring's own string), then ordinally.
/// </remarks>
internal readonly struct CachedKeyId : IEquatable<CachedKeyId>
{
    public CachedKeyId(string keyId, int keyIdHash, long created)
    {
        KeyId = keyId;
        KeyIdHash = keyIdHash;
        Created = created;
    }

    public string KeyId { get; }

    /// <summary><see cref="HashOf"/> of <see cref="KeyId"/>.</summary>
    public int KeyIdHash { get; }

    /// <summary>The key's creation time, Unix seconds.</summary>
    public long Created { get; }

    public static int HashOf(string keyId) => StringComparer.Ordinal.GetHashCode(keyId);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(CachedKeyId other) =>
        Created == other.Created
        && KeyIdHash == other.KeyIdHash
        && (ReferenceEquals(KeyId, other.KeyId) || string.Equals(KeyId, other.KeyId, StringComparison.Ordinal));

    public override bool Equals(object? obj) => obj is CachedKeyId other && Equals(other);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override int GetHashCode() => KeyIdHash ^ (((int)Created * 31) + (int)(Created >> 32));
}

namespace Asherah;

/// <summary>
/// A metastore that can mark a stored key record revoked, for tooling such as <c>asherah keys revoke</c> and
/// <c>asherah keys rotate</c>.
/// </summary>
/// <remarks>
/// Canonical metastores are insert-only; revoking is the one update. It sets the record's <c>Revoked</c> flag to
/// <see langword="true"/> and leaves every other field as it was, so the record stays readable by canonical Asherah
/// (<c>{"Created":..,"Key":..,"ParentKeyMeta":..,"Revoked":true}</c>). A revoked key still decrypts; the next encrypt
/// that finds it as the newest key creates a new one. Sessions notice a revocation when their cached key's revoke-check
/// interval (<see cref="CryptoPolicy.RevokeCheckInterval"/>) has passed. Revoking an already revoked record succeeds
/// and changes nothing. Failures throw <see cref="MetastoreException"/>, as for <see cref="IMetastore"/>.
/// </remarks>
public interface IKeyRevoker
{
    /// <summary>Marks the record stored under exactly (<paramref name="keyId"/>, <paramref name="created"/>) revoked.</summary>
    /// <returns><see langword="true"/> when the record exists (now revoked); <see langword="false"/> when there is none.</returns>
    /// <exception cref="MetastoreException">The metastore failed, or the stored record is malformed.</exception>
    ValueTask<bool> RevokeAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default);
}

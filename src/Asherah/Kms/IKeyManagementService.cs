namespace Asherah;

/// <summary>
/// Protects system keys with a master key: AWS KMS in production, a static key for development and tests.
/// </summary>
/// <remarks>
/// The output of <see cref="EncryptKeyAsync"/> is stored base64-encoded as the system key record's <c>Key</c>, so its
/// format is part of the compatibility contract for each implementation. Seal and open with <see cref="AeadKey"/> where
/// the format is Asherah's AEAD blob, and return decrypted keys as <see cref="KeyMaterial"/> from the allocator the
/// caller passes, so that decrypted keys never sit in managed arrays and follow the factory's secure-memory options.
/// Implementations are thread-safe. Exceptions other than <see cref="AsherahException"/> and
/// <see cref="OperationCanceledException"/> are wrapped by the caller in <see cref="KmsException"/>, and so is a result
/// that cannot be right: a null or empty encrypted key, a null or disposed <see cref="KeyMaterial"/>, or one that is not 32 bytes.
/// </remarks>
public interface IKeyManagementService
{
    /// <summary>Encrypts a system key.</summary>
    /// <exception cref="KmsException">The service failed.</exception>
    ValueTask<byte[]> EncryptKeyAsync(KeyMaterial key, CancellationToken cancellationToken = default);

    /// <summary>Decrypts a system key into secure memory from <paramref name="allocator"/>; the caller owns (and disposes) the result.</summary>
    /// <exception cref="KmsException">The service failed, or the ciphertext does not decrypt under the master key.</exception>
    ValueTask<KeyMaterial> DecryptKeyAsync(ReadOnlyMemory<byte> encryptedKey, KeyMaterialAllocator allocator, CancellationToken cancellationToken = default);
}

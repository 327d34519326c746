using System.Security.Cryptography;
using System.Text;
using Asherah.Crypto;
using Asherah.Keys;
using Asherah.SecureMemory;

namespace Asherah;

/// <summary>
/// A key management service whose master key is a fixed 32-byte string. For development and tests only: anyone with
/// the string can decrypt every system key.
/// </summary>
/// <remarks>
/// <code>
/// master-key := utf8(configured string)            ; exactly 32 bytes, used directly as the AES-256 key (no KDF)
/// sk-record.Key := b64(aead(sk, master-key))       ; 60 bytes
/// </code>
/// Canonical Go also requires 32 bytes; canonical C# and Java accept 16 or 24 and silently use AES-128/192, which no
/// other implementation reads, so this class refuses them.
/// </remarks>
public sealed class StaticKeyManagementService : IKeyManagementService, IDisposable
{
    private readonly CryptoKey _masterKey;
    private readonly SecureAllocator _allocator;

    /// <summary>Creates the service from the master key string.</summary>
    /// <exception cref="ArgumentException">The string is not exactly 32 bytes in UTF-8.</exception>
    public StaticKeyManagementService(string masterKey)
        : this(masterKey, AesGcmEngineKind.Auto)
    {
    }

    /// <summary>Creates the service from the master key string with a chosen AES-GCM engine.</summary>
    /// <exception cref="ArgumentException">The string is not exactly 32 bytes in UTF-8.</exception>
    public StaticKeyManagementService(string masterKey, AesGcmEngineKind engine)
        : this(EncodeAndCreate(masterKey, engine))
    {
    }

    /// <summary>
    /// Creates the service from the master key's bytes (for example read from a key file into a buffer the caller wipes),
    /// so the key never has to exist as a managed string.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="masterKey"/> is not exactly 32 bytes.</exception>
    public StaticKeyManagementService(ReadOnlySpan<byte> masterKey, AesGcmEngineKind engine = AesGcmEngineKind.Auto)
        : this(CreateMasterKey(masterKey, engine))
    {
    }

    private StaticKeyManagementService(CryptoKey masterKey)
    {
        _allocator = SecureAllocators.Default;
        _masterKey = masterKey;
    }

    private static CryptoKey EncodeAndCreate(string masterKey, AesGcmEngineKind engine)
    {
        ArgumentNullException.ThrowIfNull(masterKey);
        int length = Encoding.UTF8.GetByteCount(masterKey);
        if (length != AesGcmEngine.KeySize)
        {
            throw new ArgumentException($"The static master key must be exactly 32 bytes in UTF-8; it is {length}.", nameof(masterKey));
        }

        Span<byte> raw = stackalloc byte[AesGcmEngine.KeySize];
        try
        {
            Encoding.UTF8.GetBytes(masterKey, raw);
            return CreateMasterKey(raw, engine);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    private static CryptoKey CreateMasterKey(ReadOnlySpan<byte> masterKey, AesGcmEngineKind engine)
    {
        if (masterKey.Length != AesGcmEngine.KeySize)
        {
            throw new ArgumentException($"The static master key must be exactly 32 bytes; it is {masterKey.Length}.", nameof(masterKey));
        }

        return CryptoKey.FromRawKey(AesGcmEngines.Select(engine), SecureAllocators.Default, masterKey, created: 0, revoked: false);
    }

    /// <inheritdoc />
    public ValueTask<byte[]> EncryptKeyAsync(KeyMaterial key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> raw = stackalloc byte[key.Length];
        var blob = new byte[key.Length + AeadBlob.Overhead];
        AcquireMasterKey();
        try
        {
            key.CopyTo(raw);
            _masterKey.Seal(raw, blob);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
            _masterKey.Release();
        }

        return ValueTask.FromResult(blob);
    }

    /// <inheritdoc />
    public ValueTask<KeyMaterial> DecryptKeyAsync(ReadOnlyMemory<byte> encryptedKey, CancellationToken cancellationToken = default)
    {
        int length = encryptedKey.Length - AeadBlob.Overhead;
        if (length <= 0 || length > 64)
        {
            throw new KmsException("The encrypted system key could not be decrypted with the static master key.");
        }

        Span<byte> raw = stackalloc byte[length];
        AcquireMasterKey();
        try
        {
            if (!_masterKey.TryOpen(encryptedKey.Span, raw))
            {
                throw new KmsException("The encrypted system key could not be decrypted with the static master key.");
            }

            return ValueTask.FromResult(KeyMaterial.Create(raw, _allocator));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
            _masterKey.Release();
        }
    }

    /// <summary>Wipes the master key.</summary>
    public void Dispose() => _masterKey.ReleaseOwner();

    private void AcquireMasterKey()
    {
        if (!_masterKey.TryAcquire())
        {
            throw new ObjectDisposedException(nameof(StaticKeyManagementService));
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using Asherah.Crypto;

namespace Asherah;

/// <summary>
/// A key management service whose master key is a fixed 32-byte string. For development and tests only: anyone with
/// the string can decrypt every system key.
/// </summary>
/// <remarks>
/// <code>
/// master-key := utf8(configured string)            ; exactly 32 bytes, used directly as the AES-256 key (no KDF)
/// sk-record.Key := b64(aead(sk, master-key))       ; 60 bytes, the AeadKey blob
/// </code>
/// Canonical Go also requires 32 bytes; canonical C# and Java accept 16 or 24 and silently use AES-128/192, which no
/// other implementation reads, so this class refuses them. The master key lives in secure memory from the allocator
/// given to the constructor (<see cref="KeyMaterialAllocator.Default"/> when none is); a factory that builds the
/// service itself (<see cref="SessionFactoryBuilder.WithStaticKeyManagementService"/>) uses its own.
/// </remarks>
public sealed class StaticKeyManagementService : IKeyManagementService, IDisposable
{
    private const string DecryptFailed = "The encrypted system key could not be decrypted with the static master key.";

    private readonly AeadKey _masterKey;

    /// <summary>Creates the service from the master key string.</summary>
    /// <exception cref="ArgumentException">The string is not exactly 32 bytes in UTF-8.</exception>
    public StaticKeyManagementService(string masterKey, KeyMaterialAllocator? allocator = null)
        : this(FromString(masterKey, AesGcmEngines.Select(AesGcmEngineKind.Auto), allocator ?? KeyMaterialAllocator.Default))
    {
    }

    /// <summary>
    /// Creates the service from the master key's bytes (for example read from a key file into a buffer the caller wipes),
    /// so the key never has to exist as a managed string.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="masterKey"/> is not exactly 32 bytes.</exception>
    public StaticKeyManagementService(ReadOnlySpan<byte> masterKey, KeyMaterialAllocator? allocator = null)
        : this(FromBytes(masterKey, AesGcmEngines.Select(AesGcmEngineKind.Auto), allocator ?? KeyMaterialAllocator.Default))
    {
    }

    private StaticKeyManagementService(AeadKey masterKey) => _masterKey = masterKey;

    /// <summary>The master key (for tests).</summary>
    internal AeadKey MasterKey => _masterKey;

    /// <summary>The service a factory builds for itself, on its own engine and secure memory.</summary>
    internal static StaticKeyManagementService Create(string masterKey, AesGcmEngine engine, KeyMaterialAllocator allocator) =>
        new(FromString(masterKey, engine, allocator));

    /// <summary>The service a factory builds for itself from the key's bytes (a key file), on its own engine and secure memory.</summary>
    internal static StaticKeyManagementService Create(ReadOnlySpan<byte> masterKey, AesGcmEngine engine, KeyMaterialAllocator allocator) =>
        new(FromBytes(masterKey, engine, allocator));

    /// <summary>Checks a master key string without keeping it.</summary>
    /// <exception cref="ArgumentException">The string is not exactly 32 bytes in UTF-8.</exception>
    internal static void Validate(string masterKey, string paramName)
    {
        ArgumentNullException.ThrowIfNull(masterKey, paramName);
        int length = Encoding.UTF8.GetByteCount(masterKey);
        if (length != AeadKey.KeySize)
        {
            throw new ArgumentException($"The static master key must be exactly 32 bytes in UTF-8; it is {length}.", paramName);
        }
    }

    /// <inheritdoc />
    public ValueTask<byte[]> EncryptKeyAsync(KeyMaterial key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<byte[]>(cancellationToken)
            : ValueTask.FromResult(_masterKey.Seal(key));
    }

    /// <inheritdoc />
    public ValueTask<KeyMaterial> DecryptKeyAsync(ReadOnlyMemory<byte> encryptedKey, KeyMaterialAllocator allocator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<KeyMaterial>(cancellationToken);
        }

        return _masterKey.TryOpenKey(encryptedKey.Span, allocator, out var key)
            ? ValueTask.FromResult(key)
            : throw new KmsException(DecryptFailed);
    }

    /// <summary>Wipes the master key.</summary>
    public void Dispose() => _masterKey.Dispose();

    private static AeadKey FromString(string masterKey, AesGcmEngine engine, KeyMaterialAllocator allocator)
    {
        Validate(masterKey, nameof(masterKey));
        Span<byte> raw = stackalloc byte[AeadKey.KeySize];
        try
        {
            Encoding.UTF8.GetBytes(masterKey, raw);
            return AeadKey.Create(raw, engine, allocator);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    private static AeadKey FromBytes(ReadOnlySpan<byte> masterKey, AesGcmEngine engine, KeyMaterialAllocator allocator)
    {
        if (masterKey.Length != AeadKey.KeySize)
        {
            throw new ArgumentException($"The static master key must be exactly 32 bytes; it is {masterKey.Length}.", nameof(masterKey));
        }

        return AeadKey.Create(masterKey, engine, allocator);
    }
}

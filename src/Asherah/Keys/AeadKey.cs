using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Asherah.Crypto;
using Asherah.Keys;

namespace Asherah;

/// <summary>
/// An AES-256-GCM key in secure memory that seals and opens Asherah's AEAD blob, the layout every layer of the key
/// hierarchy and every key management service uses.
/// </summary>
/// <remarks>
/// <code>
/// blob := ciphertext || tag(16) || nonce(12)      ; AES-256-GCM, fresh random nonce per seal, no associated data
/// </code>
/// A sealed 32-byte key is therefore always 60 bytes. Use this type to protect system keys in a key management service
/// (for example with a data key that a cloud KMS generated) so that no adapter rewrites the wire layout. Opening reports
/// a blob that does not authenticate as <see langword="false"/>, never as an exception, and never says why.
/// The key state lives in secure memory from a <see cref="KeyMaterialAllocator"/>; <see cref="Dispose"/> wipes it, and a
/// key its owner forgets to dispose is wiped when finalized. Thread-safe; a key disposed while another thread uses it
/// stays valid until that use ends.
/// </remarks>
public sealed class AeadKey : IDisposable
{
    /// <summary>Bytes of an AES-256 key.</summary>
    public const int KeySize = AesGcmEngine.KeySize;

    /// <summary>Bytes a sealed blob adds to its plaintext: the 16-byte tag and the 12-byte nonce.</summary>
    public const int Overhead = AeadBlob.Overhead;

    /// <summary>The largest plaintext one blob holds (the blob's length must fit in an <see cref="int"/>).</summary>
    public const int MaxPlaintextLength = int.MaxValue - Overhead;

    private readonly CryptoKey _key;

    private AeadKey(CryptoKey key) => _key = key;

    /// <summary>The key state (for tests).</summary>
    internal CryptoKey Key => _key;

    /// <summary>Wipes the key state if the owner never disposed it.</summary>
    ~AeadKey() => _key.ReleaseOwner();

    /// <summary>A key from 32 raw bytes, held in memory from <see cref="KeyMaterialAllocator.Default"/>.</summary>
    /// <param name="key">The raw key; the caller wipes its copy.</param>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not 32 bytes.</exception>
    public static AeadKey Create(ReadOnlySpan<byte> key) => Create(key, KeyMaterialAllocator.Default);

    /// <summary>A key from 32 raw bytes, held in memory from <paramref name="allocator"/>.</summary>
    /// <param name="key">The raw key; the caller wipes its copy.</param>
    /// <param name="allocator">Where the key state lives.</param>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not 32 bytes.</exception>
    public static AeadKey Create(ReadOnlySpan<byte> key, KeyMaterialAllocator allocator)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        return Create(key, AesGcmEngines.Select(AesGcmEngineKind.Auto), allocator);
    }

    /// <summary>A key from 32 bytes of key material, held in memory from <paramref name="allocator"/> (default: <see cref="KeyMaterialAllocator.Default"/>).</summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not 32 bytes.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="key"/> was disposed.</exception>
    public static AeadKey Create(KeyMaterial key, KeyMaterialAllocator? allocator = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"An AES-256 key must be {KeySize} bytes; it is {key.Length}.", nameof(key));
        }

        Span<byte> raw = stackalloc byte[KeySize];
        try
        {
            key.CopyTo(raw);
            return Create(raw, allocator ?? KeyMaterialAllocator.Default);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    internal static AeadKey Create(ReadOnlySpan<byte> key, AesGcmEngine engine, KeyMaterialAllocator allocator)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"An AES-256 key must be {KeySize} bytes; it is {key.Length}.", nameof(key));
        }

        return new AeadKey(CryptoKey.FromRawKey(engine, allocator.Allocator, key, created: 0, revoked: false));
    }

    /// <summary>Length of the blob that seals <paramref name="plaintextLength"/> bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The length is negative or above <see cref="MaxPlaintextLength"/>.</exception>
    public static int GetSealedLength(int plaintextLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plaintextLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(plaintextLength, MaxPlaintextLength);
        return plaintextLength + Overhead;
    }

    /// <summary>Seals <paramref name="plaintext"/> into <paramref name="destination"/>; returns the bytes written.</summary>
    /// <remarks><paramref name="plaintext"/> may be the start of <paramref name="destination"/> (in place).</remarks>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="GetSealedLength"/>.</exception>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    public int Seal(ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        int length = GetSealedLength(plaintext.Length);
        if (destination.Length < length)
        {
            throw new ArgumentException($"The destination must hold {length} bytes.", nameof(destination));
        }

        using var lease = Lease();
        lease.Key.Seal(plaintext, destination[..length]);
        return length;
    }

    /// <summary>Seals <paramref name="plaintext"/> into a new blob.</summary>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    public byte[] Seal(ReadOnlySpan<byte> plaintext)
    {
        var blob = new byte[GetSealedLength(plaintext.Length)];
        Seal(plaintext, blob);
        return blob;
    }

    /// <summary>Seals key bytes without copying them into managed memory (for example a system key).</summary>
    /// <exception cref="ObjectDisposedException">This key or <paramref name="key"/> was disposed.</exception>
    public byte[] Seal(KeyMaterial key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> raw = stackalloc byte[KeyMaterial.MaxLength];
        raw = raw[..key.Length];
        try
        {
            key.CopyTo(raw);
            return Seal(raw);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>
    /// Opens <paramref name="blob"/> into <paramref name="plaintext"/>, which is exactly <see cref="Overhead"/> bytes
    /// shorter; <see langword="false"/> when the blob is too short or does not authenticate (nothing usable is written).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="plaintext"/> is not <c>blob.Length - Overhead</c> bytes.</exception>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    public bool TryOpen(ReadOnlySpan<byte> blob, Span<byte> plaintext)
    {
        if (blob.Length < Overhead)
        {
            return false;
        }

        if (plaintext.Length != blob.Length - Overhead)
        {
            throw new ArgumentException("The plaintext must be exactly 28 bytes shorter than the blob.", nameof(plaintext));
        }

        using var lease = Lease();
        if (lease.Key.TryOpen(blob, plaintext))
        {
            return true;
        }

        CryptographicOperations.ZeroMemory(plaintext);
        return false;
    }

    /// <summary>Opens <paramref name="blob"/> into a new array; <see langword="false"/> when it does not authenticate.</summary>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    public bool TryOpen(ReadOnlySpan<byte> blob, [NotNullWhen(true)] out byte[]? plaintext)
    {
        plaintext = null;
        if (blob.Length < Overhead)
        {
            return false;
        }

        var result = new byte[blob.Length - Overhead];
        if (!TryOpen(blob, result))
        {
            return false;
        }

        plaintext = result;
        return true;
    }

    /// <summary>
    /// Opens a sealed key straight into secure memory from <paramref name="allocator"/>; <see langword="false"/> when the
    /// blob does not authenticate or does not hold 1 to <see cref="KeyMaterial.MaxLength"/> bytes.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    public bool TryOpenKey(ReadOnlySpan<byte> blob, KeyMaterialAllocator allocator, [NotNullWhen(true)] out KeyMaterial? key)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        key = null;
        int length = blob.Length - Overhead;
        if (length is < 1 or > KeyMaterial.MaxLength)
        {
            return false;
        }

        Span<byte> raw = stackalloc byte[KeyMaterial.MaxLength];
        raw = raw[..length];
        try
        {
            if (!TryOpen(blob, raw))
            {
                return false;
            }

            key = allocator.Create(raw);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>Wipes the key state (once the uses in progress end). Idempotent.</summary>
    public void Dispose()
    {
        _key.ReleaseOwner();
        GC.SuppressFinalize(this);
    }

    private KeyLease Lease()
    {
        if (!_key.TryAcquire())
        {
            throw new ObjectDisposedException(nameof(AeadKey));
        }

        GC.KeepAlive(this);
        return new KeyLease(_key);
    }
}

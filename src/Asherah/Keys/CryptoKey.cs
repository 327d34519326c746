using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Asherah.Crypto;
using Asherah.SecureMemory;

namespace Asherah.Keys;

/// <summary>
/// A decrypted system or intermediate key: the AES-GCM engine's key state in secure memory, with its creation time and
/// revocation flag.
/// </summary>
/// <remarks>
/// Reference counted: the owner (a cache, or a caller holding an uncached key) holds one reference, every operation
/// holds another for its duration (<see cref="TryAcquire"/> / <see cref="Release"/>). The secure memory is wiped and
/// freed when the last reference goes, so a key evicted or disposed while another thread encrypts with it stays valid
/// until that encrypt finishes.
/// </remarks>
internal sealed class CryptoKey
{
    private readonly AesGcmEngine _engine;
    private readonly SecureBuffer _state;
    private int _references = 1;
    private int _ownerReleased;
    private volatile bool _revoked;

    private CryptoKey(AesGcmEngine engine, SecureBuffer state, long created, bool revoked)
    {
        _engine = engine;
        _state = state;
        Created = created;
        _revoked = revoked;
    }

    /// <summary>Creation time, Unix seconds.</summary>
    public long Created { get; }

    /// <summary>Whether the key is known to be revoked.</summary>
    public bool Revoked
    {
        get => _revoked;
        set => _revoked = value;
    }

    /// <summary>Whether the memory has been freed (for tests).</summary>
    /// <summary>The engine this key's state is for.</summary>
    internal AesGcmEngine Engine => _engine;

    /// <summary>Whether the memory has been freed (for tests).</summary>
    internal bool IsFreed => _state.IsFreed;

    /// <summary>The secure buffer holding the key state (for tests that inspect wiping).</summary>
    internal SecureBuffer StateBuffer => _state;

    /// <summary>Builds a key from raw key bytes, which the caller wipes.</summary>
    public static CryptoKey FromRawKey(AesGcmEngine engine, SecureAllocator allocator, ReadOnlySpan<byte> rawKey, long created, bool revoked)
    {
        var buffer = allocator.Allocate(engine.KeyStateSize);
        buffer.EnterAccess();
        try
        {
            engine.InitializeKeyState(rawKey, buffer.Span);
        }
        catch
        {
            buffer.ExitAccess();
            buffer.Free();
            throw;
        }

        buffer.ExitAccess();
        return new CryptoKey(engine, buffer, created, revoked);
    }

    /// <summary>Takes a reference for an operation; false when the key has already been freed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryAcquire()
    {
        int current = Volatile.Read(ref _references);
        while (current > 0)
        {
            int seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>Drops a reference taken by <see cref="TryAcquire"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _state.Free();
        }
    }

    /// <summary>Drops the owner's reference (once).</summary>
    public void ReleaseOwner()
    {
        if (Interlocked.Exchange(ref _ownerReleased, 1) == 0)
        {
            Release();
        }
    }

    /// <summary>Encrypts into the AEAD blob layout <c>ciphertext || tag || nonce</c>.</summary>
    public void Seal(ReadOnlySpan<byte> plaintext, Span<byte> blob)
    {
        _state.EnterAccess();
        try
        {
            AeadBlob.Seal(_engine, _state.Span, plaintext, blob);
        }
        finally
        {
            _state.ExitAccess();
        }
    }

    /// <summary>Opens an AEAD blob; false when it does not authenticate.</summary>
    public bool TryOpen(ReadOnlySpan<byte> blob, Span<byte> plaintext)
    {
        _state.EnterAccess();
        try
        {
            return AeadBlob.TryOpen(_engine, _state.Span, blob, plaintext);
        }
        finally
        {
            _state.ExitAccess();
        }
    }

    /// <summary>Generates a random raw key into <paramref name="rawKey"/> (32 bytes) on the caller's stack.</summary>
    public static void GenerateRawKey(Span<byte> rawKey) => SecureRandom.Fill(rawKey[..AesGcmEngine.KeySize]);

    /// <summary>Wipes a transient copy of key bytes.</summary>
    public static void Wipe(Span<byte> bytes) => CryptographicOperations.ZeroMemory(bytes);
}

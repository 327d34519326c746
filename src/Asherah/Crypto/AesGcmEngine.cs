namespace Asherah.Crypto;

/// <summary>
/// An AES-256-GCM implementation: 32-byte keys, 12-byte nonces, 16-byte tags, no associated data.
/// </summary>
/// <remarks>
/// Engines are stateless singletons. Per-key state (the raw key, and whatever an engine derives from it) lives in
/// memory the caller owns: secure memory for cached keys, the stack for one-shot data row keys. Its size is
/// <see cref="KeyStateSize"/> and it is produced by <see cref="InitializeKeyState"/>. The plaintext and ciphertext
/// spans may be the same memory (exact overlap) but must not partially overlap.
/// </remarks>
internal abstract class AesGcmEngine
{
    /// <summary>Key length in bytes.</summary>
    public const int KeySize = 32;

    /// <summary>Nonce length in bytes.</summary>
    public const int NonceSize = 12;

    /// <summary>Tag length in bytes.</summary>
    public const int TagSize = 16;

    /// <summary>The engine's name, for diagnostics and benchmarks.</summary>
    public abstract string Name { get; }

    /// <summary>Which kind this engine is.</summary>
    public abstract AesGcmEngineKind Kind { get; }

    /// <summary>Bytes of per-key state this engine needs.</summary>
    public abstract int KeyStateSize { get; }

    /// <summary>Derives the per-key state from a 32-byte key.</summary>
    public abstract void InitializeKeyState(ReadOnlySpan<byte> key, Span<byte> keyState);

    /// <summary>Encrypts <paramref name="plaintext"/> into <paramref name="ciphertext"/> (same length) and writes the tag.</summary>
    public abstract void Seal(
        ReadOnlySpan<byte> keyState,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> plaintext,
        Span<byte> ciphertext,
        Span<byte> tag);

    /// <summary>
    /// Authenticates and decrypts. Returns <see langword="false"/> when the tag does not verify, in which case
    /// <paramref name="plaintext"/> is cleared.
    /// </summary>
    public abstract bool TryOpen(
        ReadOnlySpan<byte> keyState,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag,
        Span<byte> plaintext);

    /// <summary>
    /// Seals with a key used once (a data row key). The default derives the key state on the stack and wipes it; an
    /// engine may do the same work with fewer steps.
    /// </summary>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public virtual void SealWithKey(
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> plaintext,
        Span<byte> ciphertext,
        Span<byte> tag)
    {
        Span<byte> state = stackalloc byte[AeadBlob.MaxKeyStateSize];
        state = state[..KeyStateSize];
        try
        {
            InitializeKeyState(key, state);
            Seal(state, nonce, plaintext, ciphertext, tag);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(state);
        }
    }

    /// <summary>Opens with a key used once; see <see cref="SealWithKey"/>.</summary>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public virtual bool TryOpenWithKey(
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag,
        Span<byte> plaintext)
    {
        Span<byte> state = stackalloc byte[AeadBlob.MaxKeyStateSize];
        state = state[..KeyStateSize];
        try
        {
            InitializeKeyState(key, state);
            return TryOpen(state, nonce, ciphertext, tag, plaintext);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(state);
        }
    }
}

using System.Runtime.CompilerServices;

namespace Asherah.Crypto;

/// <summary>The AEAD blob every Asherah layer uses.</summary>
/// <remarks>
/// <code>
/// blob := ciphertext || tag(16) || nonce(12)      ; AES-256-GCM, random nonce, no associated data
/// </code>
/// The nonce is appended at the end, so an encrypted 32-byte key is always 60 bytes.
/// </remarks>
internal static class AeadBlob
{
    /// <summary>Bytes a blob adds to its plaintext.</summary>
    public const int Overhead = AesGcmEngine.TagSize + AesGcmEngine.NonceSize;

    /// <summary>Largest key state any engine uses; one-shot keys keep theirs on the stack.</summary>
    public const int MaxKeyStateSize = 512;

    /// <summary>Seals <paramref name="plaintext"/> into <paramref name="blob"/>, which is exactly 28 bytes longer.</summary>
    /// <remarks><paramref name="plaintext"/> may be the first bytes of <paramref name="blob"/> (in-place).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Seal(AesGcmEngine engine, ReadOnlySpan<byte> keyState, ReadOnlySpan<byte> plaintext, Span<byte> blob)
    {
        int n = plaintext.Length;
        if (blob.Length != n + Overhead)
        {
            throw new ArgumentException("The blob must be 28 bytes longer than the plaintext.", nameof(blob));
        }

        Span<byte> nonce = blob.Slice(n + AesGcmEngine.TagSize, AesGcmEngine.NonceSize);
        SecureRandom.Fill(nonce);
        engine.Seal(keyState, nonce, plaintext, blob[..n], blob.Slice(n, AesGcmEngine.TagSize));
    }

    /// <summary>Opens a blob into <paramref name="plaintext"/> (exactly 28 bytes shorter); false when it does not authenticate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryOpen(AesGcmEngine engine, ReadOnlySpan<byte> keyState, ReadOnlySpan<byte> blob, Span<byte> plaintext)
    {
        int n = blob.Length - Overhead;
        if (n < 0 || plaintext.Length != n)
        {
            return false;
        }

        return engine.TryOpen(
            keyState,
            blob.Slice(n + AesGcmEngine.TagSize, AesGcmEngine.NonceSize),
            blob[..n],
            blob.Slice(n, AesGcmEngine.TagSize),
            plaintext);
    }

    /// <summary>Seals with a raw key used once (a data row key); no key state outlives the call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SealWithRawKey(AesGcmEngine engine, ReadOnlySpan<byte> rawKey, ReadOnlySpan<byte> plaintext, Span<byte> blob)
    {
        int n = plaintext.Length;
        if (blob.Length != n + Overhead)
        {
            throw new ArgumentException("The blob must be 28 bytes longer than the plaintext.", nameof(blob));
        }

        Span<byte> nonce = blob.Slice(n + AesGcmEngine.TagSize, AesGcmEngine.NonceSize);
        SecureRandom.Fill(nonce);
        engine.SealWithKey(rawKey, nonce, plaintext, blob[..n], blob.Slice(n, AesGcmEngine.TagSize));
    }

    /// <summary>Opens with a raw key used once; false when the blob does not authenticate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryOpenWithRawKey(AesGcmEngine engine, ReadOnlySpan<byte> rawKey, ReadOnlySpan<byte> blob, Span<byte> plaintext)
    {
        int n = blob.Length - Overhead;
        if (n < 0 || plaintext.Length != n)
        {
            return false;
        }

        return engine.TryOpenWithKey(
            rawKey,
            blob.Slice(n + AesGcmEngine.TagSize, AesGcmEngine.NonceSize),
            blob[..n],
            blob.Slice(n, AesGcmEngine.TagSize),
            plaintext);
    }
}

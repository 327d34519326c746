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
        var parts = SealParts.Of(plaintext.Length, blob);
        engine.Seal(keyState, parts.Nonce, plaintext, parts.Ciphertext, parts.Tag);
    }

    /// <summary>Seals with a raw key used once (a data row key); no key state outlives the call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SealWithRawKey(AesGcmEngine engine, ReadOnlySpan<byte> rawKey, ReadOnlySpan<byte> plaintext, Span<byte> blob)
    {
        var parts = SealParts.Of(plaintext.Length, blob);
        engine.SealWithKey(rawKey, parts.Nonce, plaintext, parts.Ciphertext, parts.Tag);
    }

    /// <summary>Opens a blob into <paramref name="plaintext"/> (exactly 28 bytes shorter); false when it does not authenticate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryOpen(AesGcmEngine engine, ReadOnlySpan<byte> keyState, ReadOnlySpan<byte> blob, Span<byte> plaintext) =>
        OpenParts.TryOf(blob, plaintext.Length, out var parts)
        && engine.TryOpen(keyState, parts.Nonce, parts.Ciphertext, parts.Tag, plaintext);

    /// <summary>Opens with a raw key used once; false when the blob does not authenticate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryOpenWithRawKey(AesGcmEngine engine, ReadOnlySpan<byte> rawKey, ReadOnlySpan<byte> blob, Span<byte> plaintext) =>
        OpenParts.TryOf(blob, plaintext.Length, out var parts)
        && engine.TryOpenWithKey(rawKey, parts.Nonce, parts.Ciphertext, parts.Tag, plaintext);

    /// <summary>The parts of a blob being written, with a fresh random nonce already in place.</summary>
    private readonly ref struct SealParts(Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> nonce)
    {
        public Span<byte> Ciphertext { get; } = ciphertext;

        public Span<byte> Tag { get; } = tag;

        public ReadOnlySpan<byte> Nonce { get; } = nonce;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static SealParts Of(int plaintextLength, Span<byte> blob)
        {
            int n = plaintextLength;
            if (blob.Length != n + Overhead)
            {
                throw new ArgumentException("The blob must be 28 bytes longer than the plaintext.", nameof(blob));
            }

            Span<byte> nonce = blob.Slice(n + AesGcmEngine.TagSize, AesGcmEngine.NonceSize);
            SecureRandom.Fill(nonce);
            return new SealParts(blob[..n], blob.Slice(n, AesGcmEngine.TagSize), nonce);
        }
    }

    /// <summary>The parts of a blob being read.</summary>
    private readonly ref struct OpenParts(ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> nonce)
    {
        public ReadOnlySpan<byte> Ciphertext { get; } = ciphertext;

        public ReadOnlySpan<byte> Tag { get; } = tag;

        public ReadOnlySpan<byte> Nonce { get; } = nonce;

        /// <summary>False when the blob is too short or its plaintext is not <paramref name="plaintextLength"/> bytes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool TryOf(ReadOnlySpan<byte> blob, int plaintextLength, out OpenParts parts)
        {
            int n = blob.Length - Overhead;
            if (n < 0 || plaintextLength != n)
            {
                parts = default;
                return false;
            }

            parts = new OpenParts(blob[..n], blob.Slice(n, AesGcmEngine.TagSize), blob.Slice(n + AesGcmEngine.TagSize, AesGcmEngine.NonceSize));
            return true;
        }
    }
}

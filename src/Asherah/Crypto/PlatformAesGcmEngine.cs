using System.Security.Cryptography;

namespace Asherah.Crypto;

/// <summary>
/// AES-256-GCM through <see cref="AesGcm"/> (OpenSSL on Linux, CNG on Windows, CryptoKit on macOS).
/// </summary>
/// <remarks>
/// The key state is the raw key. A platform <see cref="AesGcm"/> instance is created per call and disposed at once, so
/// key material does not linger in the platform library's heap between calls; that costs about a microsecond per
/// call, which is why a hardware engine is preferred where the CPU has one.
/// </remarks>
internal sealed class PlatformAesGcmEngine : AesGcmEngine
{
    public static readonly PlatformAesGcmEngine Instance = new();

    private PlatformAesGcmEngine()
    {
    }

    public static bool IsSupported => AesGcm.IsSupported;

    public override string Name => "platform";

    public override AesGcmEngineKind Kind => AesGcmEngineKind.Platform;

    public override int KeyStateSize => KeySize;

    public override void InitializeKeyState(ReadOnlySpan<byte> key, Span<byte> keyState)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException("An AES-256 key is 32 bytes.", nameof(key));
        }

        key.CopyTo(keyState);
    }

    public override void Seal(
        ReadOnlySpan<byte> keyState,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> plaintext,
        Span<byte> ciphertext,
        Span<byte> tag)
    {
        using var gcm = new AesGcm(keyState[..KeySize], TagSize);
        gcm.Encrypt(nonce, plaintext, ciphertext, tag);
    }

    public override bool TryOpen(
        ReadOnlySpan<byte> keyState,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag,
        Span<byte> plaintext)
    {
        using var gcm = new AesGcm(keyState[..KeySize], TagSize);
        try
        {
            gcm.Decrypt(nonce, ciphertext, tag, plaintext);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            plaintext.Clear();
            return false;
        }
    }
}

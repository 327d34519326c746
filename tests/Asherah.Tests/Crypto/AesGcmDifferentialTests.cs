using System.Security.Cryptography;
using Asherah.Crypto;

namespace Asherah.Tests.Crypto;

/// <summary>
/// Both engines against <see cref="AesGcm"/> on random keys, nonces and plaintexts: each engine's output must be
/// byte-identical to the reference, and each engine must open what the other sealed.
/// </summary>
public sealed class AesGcmDifferentialTests
{
    [Fact]
    public void SealAndOpen_ForEveryLengthUpTo2048_MatchAesGcmAndEachOther()
    {
        var rng = new Random(20240611);
        for (int length = 0; length <= 2048; length++)
        {
            AssertAgreement(rng, length, offset: length % 16);
        }
    }

    [Fact]
    public void SealAndOpen_ForRandomLengthsUpTo1MiB_MatchAesGcmAndEachOther()
    {
        var rng = new Random(7);
        for (int i = 0; i < 50; i++)
        {
            AssertAgreement(rng, rng.Next(2049, (1 << 20) + 1), offset: rng.Next(16));
        }
    }

    [Fact]
    public void IntrinsicsSealWithAad_ForRandomLengths_MatchesAesGcm()
    {
        var rng = new Random(11);
        var engine = IntrinsicsAesGcmEngine.Instance;
        for (int i = 0; i < 300; i++)
        {
            var key = Bytes(rng, AesGcmEngine.KeySize);
            var nonce = Bytes(rng, AesGcmEngine.NonceSize);
            var aad = Bytes(rng, rng.Next(0, 100));
            var plaintext = Bytes(rng, rng.Next(0, 300));
            var expected = new byte[plaintext.Length];
            var expectedTag = new byte[AesGcmEngine.TagSize];
            using (var gcm = new AesGcm(key, AesGcmEngine.TagSize))
            {
                gcm.Encrypt(nonce, plaintext, expected, expectedTag, aad);
            }

            var state = AesGcmEngineCases.KeyState(engine, key);
            var ciphertext = new byte[plaintext.Length];
            var tag = new byte[AesGcmEngine.TagSize];
            IntrinsicsAesGcmEngine.Seal(state, nonce, aad, plaintext, ciphertext, tag);
            Assert.Equal(expected, ciphertext);
            Assert.Equal(expectedTag, tag);
        }
    }

    private static void AssertAgreement(Random rng, int length, int offset)
    {
        var key = Bytes(rng, AesGcmEngine.KeySize);
        var nonce = Bytes(rng, AesGcmEngine.NonceSize);
        var plaintext = Bytes(rng, length);

        var expected = new byte[length];
        var expectedTag = new byte[AesGcmEngine.TagSize];
        using (var gcm = new AesGcm(key, AesGcmEngine.TagSize))
        {
            gcm.Encrypt(nonce, plaintext, expected, expectedTag);
        }

        var intrinsics = IntrinsicsAesGcmEngine.Instance;
        var platform = PlatformAesGcmEngine.Instance;
        var (intrinsicsCt, intrinsicsTag) = Seal(intrinsics, key, nonce, plaintext, offset);
        var (platformCt, platformTag) = Seal(platform, key, nonce, plaintext, offset);

        if (!expected.AsSpan().SequenceEqual(intrinsicsCt) || !expectedTag.AsSpan().SequenceEqual(intrinsicsTag))
        {
            Assert.Fail($"Intrinsics seal differs from AesGcm at plaintext length {length}.");
        }

        Assert.True(expected.AsSpan().SequenceEqual(platformCt), $"Platform ciphertext differs at length {length}.");
        Assert.True(expectedTag.AsSpan().SequenceEqual(platformTag), $"Platform tag differs at length {length}.");

        Assert.True(Open(intrinsics, key, nonce, platformCt, platformTag, offset).SequenceEqual(plaintext), $"Intrinsics open failed at length {length}.");
        Assert.True(Open(platform, key, nonce, intrinsicsCt, intrinsicsTag, offset).SequenceEqual(plaintext), $"Platform open failed at length {length}.");
    }

    // Buffers start at `offset` inside a larger array so that unaligned loads and stores are exercised.
    private static (byte[] Ciphertext, byte[] Tag) Seal(AesGcmEngine engine, byte[] key, byte[] nonce, byte[] plaintext, int offset)
    {
        var state = AesGcmEngineCases.KeyState(engine, key);
        var output = new byte[plaintext.Length + offset];
        var tag = new byte[AesGcmEngine.TagSize];
        engine.Seal(state, nonce, plaintext, output.AsSpan(offset), tag);
        return (output[offset..], tag);
    }

    private static byte[] Open(AesGcmEngine engine, byte[] key, byte[] nonce, byte[] ciphertext, byte[] tag, int offset)
    {
        var state = AesGcmEngineCases.KeyState(engine, key);
        var output = new byte[ciphertext.Length + offset];
        Assert.True(engine.TryOpen(state, nonce, ciphertext, tag, output.AsSpan(offset)));
        return output[offset..];
    }

    private static byte[] Bytes(Random rng, int length)
    {
        var bytes = new byte[length];
        rng.NextBytes(bytes);
        return bytes;
    }
}

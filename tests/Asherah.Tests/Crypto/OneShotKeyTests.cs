using System.Security.Cryptography;
using Asherah.Crypto;

namespace Asherah.Tests.Crypto;

/// <summary>
/// <see cref="AesGcmEngine.SealWithKey"/> and <see cref="AesGcmEngine.TryOpenWithKey"/> (the data-row-key path) agree with
/// <see cref="AesGcm"/> and reject every single-bit change.
/// </summary>
public sealed class OneShotKeyTests
{
    [Theory]
    [MemberData(nameof(AesGcmEngineCases.Theory), MemberType = typeof(AesGcmEngineCases))]
    public void SealWithKey_ForLengthsUpTo1100_MatchesAesGcm_AndOpens(string name)
    {
        var engine = AesGcmEngineCases.Get(name);
        var rng = new Random(42);
        for (int length = 0; length <= 1100; length += length < 64 ? 1 : 37)
        {
            var key = Bytes(rng, 32);
            var nonce = Bytes(rng, 12);
            var plaintext = Bytes(rng, length);
            var expected = new byte[length];
            var expectedTag = new byte[16];
            using (var reference = new AesGcm(key, 16))
            {
                reference.Encrypt(nonce, plaintext, expected, expectedTag);
            }

            var ciphertext = new byte[length];
            var tag = new byte[16];
            engine.SealWithKey(key, nonce, plaintext, ciphertext, tag);
            Assert.Equal(expected, ciphertext);
            Assert.Equal(expectedTag, tag);

            var opened = new byte[length];
            Assert.True(engine.TryOpenWithKey(key, nonce, ciphertext, tag, opened));
            Assert.Equal(plaintext, opened);
        }
    }

    [Theory]
    [MemberData(nameof(AesGcmEngineCases.Theory), MemberType = typeof(AesGcmEngineCases))]
    public void TryOpenWithKey_WithAnyFlippedBit_ReturnsFalseAndClearsTheOutput(string name)
    {
        var engine = AesGcmEngineCases.Get(name);
        var rng = new Random(43);
        var key = Bytes(rng, 32);
        var nonce = Bytes(rng, 12);
        var plaintext = Bytes(rng, 33);
        var ciphertext = new byte[33];
        var tag = new byte[16];
        engine.SealWithKey(key, nonce, plaintext, ciphertext, tag);

        foreach (var target in new[] { ciphertext, tag, nonce, key })
        {
            for (int bit = 0; bit < target.Length * 8; bit++)
            {
                target[bit / 8] ^= (byte)(1 << (bit % 8));
                var output = Enumerable.Repeat((byte)0xAA, 33).ToArray();
                Assert.False(engine.TryOpenWithKey(key, nonce, ciphertext, tag, output));
                Assert.All(output, b => Assert.Equal(0, b));
                target[bit / 8] ^= (byte)(1 << (bit % 8));
            }
        }
    }

    [Theory]
    [MemberData(nameof(AesGcmEngineCases.Theory), MemberType = typeof(AesGcmEngineCases))]
    public void SealWithKey_WithAWrongKeyLength_Throws(string name)
    {
        var engine = AesGcmEngineCases.Get(name);

        Assert.ThrowsAny<ArgumentException>(() => engine.SealWithKey(new byte[31], new byte[12], new byte[1], new byte[1], new byte[16]));
        Assert.ThrowsAny<ArgumentException>(() => engine.TryOpenWithKey(new byte[33], new byte[12], new byte[1], new byte[16], new byte[1]));
    }

    private static byte[] Bytes(Random rng, int length)
    {
        var bytes = new byte[length];
        rng.NextBytes(bytes);
        return bytes;
    }
}

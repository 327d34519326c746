using Asherah.Crypto;

namespace Asherah.Tests.Crypto;

/// <summary>Every single-bit change to ciphertext, tag or nonce is rejected, and the output is cleared.</summary>
public sealed class AesGcmTamperTests
{
    public static TheoryData<string, int> EnginesAndLengths
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var engine in AesGcmEngineCases.Names)
            {
                foreach (int length in new[] { 0, 1, 17, 64, 200 })
                {
                    data.Add(engine, length);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(EnginesAndLengths))]
    public void Open_WithAnyCiphertextBitFlipped_ReturnsFalseAndClearsPlaintext(string engineName, int length)
    {
        var (engine, state, nonce, ciphertext, tag) = Sealed(engineName, length);
        for (int bit = 0; bit < ciphertext.Length * 8; bit++)
        {
            ciphertext[bit / 8] ^= (byte)(1 << (bit % 8));
            AssertRejected(engine, state, nonce, ciphertext, tag, $"ciphertext bit {bit}");
            ciphertext[bit / 8] ^= (byte)(1 << (bit % 8));
        }
    }

    [Theory]
    [MemberData(nameof(EnginesAndLengths))]
    public void Open_WithAnyTagBitFlipped_ReturnsFalseAndClearsPlaintext(string engineName, int length)
    {
        var (engine, state, nonce, ciphertext, tag) = Sealed(engineName, length);
        for (int bit = 0; bit < tag.Length * 8; bit++)
        {
            tag[bit / 8] ^= (byte)(1 << (bit % 8));
            AssertRejected(engine, state, nonce, ciphertext, tag, $"tag bit {bit}");
            tag[bit / 8] ^= (byte)(1 << (bit % 8));
        }
    }

    [Theory]
    [MemberData(nameof(EnginesAndLengths))]
    public void Open_WithAnyNonceBitFlipped_ReturnsFalseAndClearsPlaintext(string engineName, int length)
    {
        var (engine, state, nonce, ciphertext, tag) = Sealed(engineName, length);
        for (int bit = 0; bit < nonce.Length * 8; bit++)
        {
            nonce[bit / 8] ^= (byte)(1 << (bit % 8));
            AssertRejected(engine, state, nonce, ciphertext, tag, $"nonce bit {bit}");
            nonce[bit / 8] ^= (byte)(1 << (bit % 8));
        }
    }

    [Theory]
    [MemberData(nameof(EnginesAndLengths))]
    public void Open_WithWrongKey_ReturnsFalse(string engineName, int length)
    {
        var (engine, _, nonce, ciphertext, tag) = Sealed(engineName, length);
        var otherState = AesGcmEngineCases.KeyState(engine, new byte[AesGcmEngine.KeySize]);
        AssertRejected(engine, otherState, nonce, ciphertext, tag, "wrong key");
    }

    [Theory]
    [MemberData(nameof(EnginesAndLengths))]
    public void Open_Untampered_ReturnsTrue(string engineName, int length)
    {
        var (engine, state, nonce, ciphertext, tag) = Sealed(engineName, length);
        var plaintext = new byte[length];
        Assert.True(engine.TryOpen(state, nonce, ciphertext, tag, plaintext));
        Assert.Equal(Message(length), plaintext);
    }

    private static void AssertRejected(AesGcmEngine engine, byte[] state, byte[] nonce, byte[] ciphertext, byte[] tag, string what)
    {
        var plaintext = Enumerable.Repeat((byte)0xA5, ciphertext.Length).ToArray();
        Assert.False(engine.TryOpen(state, nonce, ciphertext, tag, plaintext), $"Opened with a flipped {what}.");
        Assert.True(plaintext.All(b => b == 0), $"Plaintext not cleared after a flipped {what}.");
    }

    private static (AesGcmEngine Engine, byte[] State, byte[] Nonce, byte[] Ciphertext, byte[] Tag) Sealed(string engineName, int length)
    {
        var engine = AesGcmEngineCases.Get(engineName);
        var key = Enumerable.Range(1, AesGcmEngine.KeySize).Select(i => (byte)(i * 7)).ToArray();
        var nonce = Enumerable.Range(1, AesGcmEngine.NonceSize).Select(i => (byte)(i * 13)).ToArray();
        var state = AesGcmEngineCases.KeyState(engine, key);
        var ciphertext = new byte[length];
        var tag = new byte[AesGcmEngine.TagSize];
        engine.Seal(state, nonce, Message(length), ciphertext, tag);
        return (engine, state, nonce, ciphertext, tag);
    }

    private static byte[] Message(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 31 + 5)).ToArray();
}

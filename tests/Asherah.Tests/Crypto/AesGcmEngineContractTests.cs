using System.Security.Cryptography;
using Asherah.Crypto;

namespace Asherah.Tests.Crypto;

/// <summary>The <see cref="AesGcmEngine"/> contract, run over every engine: in-place use, sizes, argument checks.</summary>
public sealed class AesGcmEngineContractTests
{
    private static readonly byte[] Key = Enumerable.Range(0, AesGcmEngine.KeySize).Select(i => (byte)(255 - i)).ToArray();
    private static readonly byte[] Nonce = Enumerable.Range(0, AesGcmEngine.NonceSize).Select(i => (byte)(i + 100)).ToArray();

    public static TheoryData<string> Engines => AesGcmEngineCases.Theory;

    public static TheoryData<string, int> EnginesAndLengths
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var engine in AesGcmEngineCases.Names)
            {
                foreach (int length in new[] { 0, 1, 15, 16, 17, 127, 128, 129, 255, 256, 1000 })
                {
                    data.Add(engine, length);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void KeyStateSize_IsAtMost48Bytes(string engineName) =>
        Assert.InRange(AesGcmEngineCases.Get(engineName).KeyStateSize, AesGcmEngine.KeySize, 48);

    [Theory]
    [MemberData(nameof(EnginesAndLengths))]
    public void SealAndOpen_InPlace_MatchOutOfPlace(string engineName, int length)
    {
        var engine = AesGcmEngineCases.Get(engineName);
        var state = AesGcmEngineCases.KeyState(engine, Key);
        var plaintext = Enumerable.Range(0, length).Select(i => (byte)(i ^ 0x5C)).ToArray();

        var ciphertext = new byte[length];
        var tag = new byte[AesGcmEngine.TagSize];
        engine.Seal(state, Nonce, plaintext, ciphertext, tag);

        var buffer = (byte[])plaintext.Clone();
        var inPlaceTag = new byte[AesGcmEngine.TagSize];
        engine.Seal(state, Nonce, buffer, buffer, inPlaceTag);
        Assert.Equal(ciphertext, buffer);
        Assert.Equal(tag, inPlaceTag);

        Assert.True(engine.TryOpen(state, Nonce, buffer, tag, buffer));
        Assert.Equal(plaintext, buffer);
    }

    [Theory]
    [MemberData(nameof(EnginesAndLengths))]
    public void Seal_MatchesAesGcm(string engineName, int length)
    {
        var engine = AesGcmEngineCases.Get(engineName);
        var plaintext = Enumerable.Range(0, length).Select(i => (byte)(i * 3)).ToArray();
        var expected = new byte[length];
        var expectedTag = new byte[AesGcmEngine.TagSize];
        using (var gcm = new AesGcm(Key, AesGcmEngine.TagSize))
        {
            gcm.Encrypt(Nonce, plaintext, expected, expectedTag);
        }

        var ciphertext = new byte[length];
        var tag = new byte[AesGcmEngine.TagSize];
        engine.Seal(AesGcmEngineCases.KeyState(engine, Key), Nonce, plaintext, ciphertext, tag);
        Assert.Equal(expected, ciphertext);
        Assert.Equal(expectedTag, tag);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void InitializeKeyState_WithWrongKeyLength_ThrowsArgumentException(string engineName)
    {
        var engine = AesGcmEngineCases.Get(engineName);
        var state = new byte[engine.KeyStateSize];
        Assert.Throws<ArgumentException>(() => engine.InitializeKeyState(new byte[16], state));
        Assert.Throws<ArgumentException>(() => engine.InitializeKeyState(new byte[33], state));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void InitializeKeyState_WithTooSmallState_ThrowsArgumentException(string engineName)
    {
        var engine = AesGcmEngineCases.Get(engineName);
        Assert.ThrowsAny<ArgumentException>(() => engine.InitializeKeyState(Key, new byte[engine.KeyStateSize - 1]));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void SealAndOpen_WithBadArgumentSizes_ThrowArgumentException(string engineName)
    {
        var engine = AesGcmEngineCases.Get(engineName);
        var state = AesGcmEngineCases.KeyState(engine, Key);
        var data = new byte[32];
        var tag = new byte[AesGcmEngine.TagSize];

        Assert.ThrowsAny<ArgumentException>(() => engine.Seal(state, new byte[11], data, new byte[32], tag));
        Assert.ThrowsAny<ArgumentException>(() => engine.Seal(state, new byte[13], data, new byte[32], tag));
        Assert.ThrowsAny<ArgumentException>(() => engine.Seal(state, Nonce, data, new byte[31], tag));
        Assert.ThrowsAny<ArgumentException>(() => engine.Seal(state, Nonce, data, new byte[33], tag));
        Assert.ThrowsAny<ArgumentException>(() => engine.Seal(state, Nonce, data, new byte[32], new byte[15]));
        Assert.ThrowsAny<ArgumentException>(() => engine.Seal(state.AsSpan(0, engine.KeyStateSize - 1).ToArray(), Nonce, data, new byte[32], tag));

        Assert.ThrowsAny<ArgumentException>(() => engine.TryOpen(state, new byte[11], data, tag, new byte[32]));
        Assert.ThrowsAny<ArgumentException>(() => engine.TryOpen(state, Nonce, data, tag, new byte[31]));
        Assert.ThrowsAny<ArgumentException>(() => engine.TryOpen(state, Nonce, data, new byte[17], new byte[32]));
        Assert.ThrowsAny<ArgumentException>(() => engine.TryOpen(state.AsSpan(0, engine.KeyStateSize - 1).ToArray(), Nonce, data, tag, new byte[32]));
    }

    [Fact]
    public void IntrinsicsSealAndOpen_WithPartiallyOverlappingBuffers_ThrowArgumentException()
    {
        var engine = IntrinsicsAesGcmEngine.Instance;
        var state = AesGcmEngineCases.KeyState(engine, Key);
        var buffer = new byte[64];
        var tag = new byte[AesGcmEngine.TagSize];

        Assert.Throws<ArgumentException>(() => engine.Seal(state, Nonce, buffer.AsSpan(0, 48), buffer.AsSpan(1, 48), tag));
        Assert.Throws<ArgumentException>(() => engine.TryOpen(state, Nonce, buffer.AsSpan(16, 48), tag, buffer.AsSpan(0, 48)));
    }

    [Fact]
    public void IntrinsicsArgumentErrors_DoNotMentionKeyMaterial()
    {
        var engine = IntrinsicsAesGcmEngine.Instance;
        var state = AesGcmEngineCases.KeyState(engine, Key);
        var error = Assert.Throws<ArgumentException>(() => engine.Seal(state, new byte[3], new byte[4], new byte[4], new byte[16]));
        Assert.DoesNotContain(Convert.ToHexString(Key), error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(Key), error.Message, StringComparison.Ordinal);
    }
}

using System.Text.Json;
using Asherah.Crypto;

namespace Asherah.Tests.Crypto;

/// <summary>
/// Project Wycheproof AES-GCM vectors with a 256-bit key, 96-bit nonce and 128-bit tag. Cases with empty AAD go
/// through the engine contract on both engines; cases with AAD go through the intrinsics engine's internal
/// AAD-capable entry point.
/// </summary>
public sealed class WycheproofAesGcmTests
{
    private static readonly Lazy<IReadOnlyDictionary<int, WycheproofCase>> Cases = new(Load);

    public static TheoryData<string, int> EmptyAadCases
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var engine in AesGcmEngineCases.Names)
            {
                foreach (var c in Cases.Value.Values.Where(c => c.Aad.Length == 0))
                {
                    data.Add(engine, c.TcId);
                }
            }

            return data;
        }
    }

    public static TheoryData<int> AadCases => new(Cases.Value.Values.Where(c => c.Aad.Length > 0).Select(c => c.TcId));

    [Fact]
    public void VectorFile_HasTheExpectedAes256Nonce96Cases()
    {
        // 21 valid and 27 invalid cases without AAD, 18 valid cases with AAD (Wycheproof aes_gcm_test.json v0.9).
        var all = Cases.Value.Values.ToList();
        Assert.Equal(48, all.Count(c => c.Aad.Length == 0));
        Assert.Equal(21, all.Count(c => c.Aad.Length == 0 && c.Valid));
        Assert.Equal(18, all.Count(c => c.Aad.Length > 0));
    }

    [Theory]
    [MemberData(nameof(EmptyAadCases))]
    public void Case_WithEmptyAad_SealsAndOpensAsSpecified(string engineName, int tcId)
    {
        var engine = AesGcmEngineCases.Get(engineName);
        var c = Cases.Value[tcId];
        var state = AesGcmEngineCases.KeyState(engine, c.Key);

        var plaintext = Enumerable.Repeat((byte)0xA5, c.Ct.Length).ToArray();
        bool opened = engine.TryOpen(state, c.Iv, c.Ct, c.Tag, plaintext);

        if (c.Valid)
        {
            Assert.True(opened);
            Assert.Equal(c.Msg, plaintext);

            var ciphertext = new byte[c.Msg.Length];
            var tag = new byte[AesGcmEngine.TagSize];
            engine.Seal(state, c.Iv, c.Msg, ciphertext, tag);
            Assert.Equal(c.Ct, ciphertext);
            Assert.Equal(c.Tag, tag);
        }
        else
        {
            Assert.False(opened);
            Assert.All(plaintext, b => Assert.Equal(0, b));
        }
    }

    [Theory]
    [MemberData(nameof(AadCases))]
    public void Case_WithAad_SealsAndOpensAsSpecified(int tcId)
    {
        var c = Cases.Value[tcId];
        var state = AesGcmEngineCases.KeyState(IntrinsicsAesGcmEngine.Instance, c.Key);

        var ciphertext = new byte[c.Msg.Length];
        var tag = new byte[AesGcmEngine.TagSize];
        IntrinsicsAesGcmEngine.Seal(state, c.Iv, c.Aad, c.Msg, ciphertext, tag);
        Assert.Equal(c.Ct, ciphertext);
        Assert.Equal(c.Tag, tag);

        var plaintext = new byte[c.Ct.Length];
        Assert.True(IntrinsicsAesGcmEngine.TryOpen(state, c.Iv, c.Aad, c.Ct, c.Tag, plaintext));
        Assert.Equal(c.Msg, plaintext);

        var otherAad = (byte[])c.Aad.Clone();
        otherAad[^1] ^= 1;
        Assert.False(IntrinsicsAesGcmEngine.TryOpen(state, c.Iv, otherAad, c.Ct, c.Tag, plaintext));
    }

    private static Dictionary<int, WycheproofCase> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(TestDataLocator.Find("wycheproof/aes_gcm_test.json")));
        var cases = new Dictionary<int, WycheproofCase>();
        foreach (var group in doc.RootElement.GetProperty("testGroups").EnumerateArray())
        {
            if (group.GetProperty("keySize").GetInt32() != 256 ||
                group.GetProperty("ivSize").GetInt32() != 96 ||
                group.GetProperty("tagSize").GetInt32() != 128)
            {
                continue;
            }

            foreach (var t in group.GetProperty("tests").EnumerateArray())
            {
                string result = t.GetProperty("result").GetString()!;
                Assert.True(result is "valid" or "invalid", $"Unexpected Wycheproof result '{result}'.");
                var c = new WycheproofCase(
                    t.GetProperty("tcId").GetInt32(),
                    Hex(t, "key"),
                    Hex(t, "iv"),
                    Hex(t, "aad"),
                    Hex(t, "msg"),
                    Hex(t, "ct"),
                    Hex(t, "tag"),
                    result == "valid");
                cases.Add(c.TcId, c);
            }
        }

        return cases;
    }

    private static byte[] Hex(JsonElement test, string name) => Convert.FromHexString(test.GetProperty(name).GetString()!);

    private sealed record WycheproofCase(
        int TcId, byte[] Key, byte[] Iv, byte[] Aad, byte[] Msg, byte[] Ct, byte[] Tag, bool Valid);
}

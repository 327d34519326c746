using System.Runtime.Intrinsics.X86;
using Asherah.Crypto;

namespace Asherah.Tests.Crypto;

/// <summary>The engines every AES-GCM contract test runs over, by name (names keep theory rows readable).</summary>
internal static class AesGcmEngineCases
{
    public static IEnumerable<string> Names
    {
        get
        {
            // The intrinsics engine is x86 only; on an x86 machine it must work, so it is not skipped there.
            if (X86Base.IsSupported)
            {
                yield return IntrinsicsAesGcmEngine.Instance.Name;
            }

            yield return PlatformAesGcmEngine.Instance.Name;
        }
    }

    public static TheoryData<string> Theory => new(Names);

    public static AesGcmEngine Get(string name) => name switch
    {
        "intrinsics" => IntrinsicsAesGcmEngine.Instance,
        "platform" => PlatformAesGcmEngine.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown engine."),
    };

    /// <summary>A fresh key state for <paramref name="key"/>, sized for the engine.</summary>
    public static byte[] KeyState(AesGcmEngine engine, ReadOnlySpan<byte> key)
    {
        var state = new byte[engine.KeyStateSize];
        engine.InitializeKeyState(key, state);
        return state;
    }
}

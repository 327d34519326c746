namespace Asherah.Crypto;

/// <summary>Chooses the <see cref="AesGcmEngine"/> for an <see cref="AesGcmEngineKind"/>.</summary>
internal static class AesGcmEngines
{
    public static AesGcmEngine Select(AesGcmEngineKind kind) => kind switch
    {
        AesGcmEngineKind.Auto => PlatformAesGcmEngine.Instance,
        AesGcmEngineKind.Platform => PlatformAesGcmEngine.Instance,
        AesGcmEngineKind.Intrinsics => throw new PlatformNotSupportedException(
            "The intrinsics AES-GCM engine is not available in this build; use AesGcmEngineKind.Platform."),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown AES-GCM engine kind."),
    };
}

namespace Asherah.Crypto;

/// <summary>Chooses the <see cref="AesGcmEngine"/> for an <see cref="AesGcmEngineKind"/>.</summary>
internal static class AesGcmEngines
{
    public static AesGcmEngine Select(AesGcmEngineKind kind) => kind switch
    {
        AesGcmEngineKind.Auto => IntrinsicsAesGcmEngine.IsSupported
            ? IntrinsicsAesGcmEngine.Instance
            : PlatformAesGcmEngine.Instance,
        AesGcmEngineKind.Platform => PlatformAesGcmEngine.Instance,
        AesGcmEngineKind.Intrinsics => IntrinsicsAesGcmEngine.IsSupported
            ? IntrinsicsAesGcmEngine.Instance
            : throw new PlatformNotSupportedException(
                "This CPU or runtime lacks AES-NI, PCLMULQDQ or SSE4.1 for the intrinsics AES-GCM engine; " +
                "use AesGcmEngineKind.Platform."),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown AES-GCM engine kind."),
    };
}

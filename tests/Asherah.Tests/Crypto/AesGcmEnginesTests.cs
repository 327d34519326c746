using Asherah.Crypto;

namespace Asherah.Tests.Crypto;

public sealed class AesGcmEnginesTests
{
    [Fact]
    public void Select_Auto_ReturnsIntrinsicsWhereSupportedElsePlatform()
    {
        AesGcmEngine expected = IntrinsicsAesGcmEngine.IsSupported ? IntrinsicsAesGcmEngine.Instance : PlatformAesGcmEngine.Instance;
        Assert.Same(expected, AesGcmEngines.Select(AesGcmEngineKind.Auto));
    }

    [Fact]
    public void Select_Platform_ReturnsPlatform() =>
        Assert.Same(PlatformAesGcmEngine.Instance, AesGcmEngines.Select(AesGcmEngineKind.Platform));

    [Fact]
    public void Select_Intrinsics_ReturnsIntrinsicsOrThrowsPlatformNotSupported()
    {
        if (IntrinsicsAesGcmEngine.IsSupported)
        {
            Assert.Same(IntrinsicsAesGcmEngine.Instance, AesGcmEngines.Select(AesGcmEngineKind.Intrinsics));
        }
        else
        {
            var error = Assert.Throws<PlatformNotSupportedException>(() => AesGcmEngines.Select(AesGcmEngineKind.Intrinsics));
            Assert.Contains("AesGcmEngineKind.Platform", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Select_UnknownKind_ThrowsArgumentOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => AesGcmEngines.Select((AesGcmEngineKind)42));
}

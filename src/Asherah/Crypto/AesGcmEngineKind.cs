namespace Asherah;

/// <summary>Which AES-256-GCM implementation encrypts and decrypts.</summary>
public enum AesGcmEngineKind
{
    /// <summary>The hardware engine where the CPU supports it, otherwise the platform engine.</summary>
    Auto = 0,

    /// <summary>The engine on <c>System.Runtime.Intrinsics</c> (AES-NI and PCLMULQDQ); fails where they are missing.</summary>
    Intrinsics = 1,

    /// <summary><see cref="System.Security.Cryptography.AesGcm"/>, the platform's implementation.</summary>
    Platform = 2,
}

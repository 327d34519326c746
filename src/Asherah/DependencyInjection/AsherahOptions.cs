using Asherah.Crypto;

namespace Asherah;

/// <summary>Options for the <see cref="SessionFactory"/> that <c>services.AddAsherah(...)</c> registers.</summary>
/// <remarks>
/// <see cref="ProductId"/> and <see cref="ServiceId"/> are required. <see cref="CryptoPolicy"/> defaults to a
/// <see cref="BasicExpiringCryptoPolicy"/> (90-day keys, 60-minute revoke checks); <see cref="AesGcmEngine"/> defaults
/// to <see cref="AesGcmEngineKind.Auto"/>.
/// </remarks>
public sealed class AsherahOptions
{
    /// <summary>The product id (the last part of key ids).</summary>
    public string ProductId { get; set; } = string.Empty;

    /// <summary>The service id.</summary>
    public string ServiceId { get; set; } = string.Empty;

    /// <summary>Key expiry, revocation checks and caching. Default: <see cref="BasicExpiringCryptoPolicy"/>.</summary>
    public CryptoPolicy CryptoPolicy { get; set; } = new BasicExpiringCryptoPolicy();

    /// <summary>The AES-256-GCM implementation. Default <see cref="AesGcmEngineKind.Auto"/>.</summary>
    public AesGcmEngineKind AesGcmEngine { get; set; } = AesGcmEngineKind.Auto;

    /// <summary>How cached keys are held in secure memory. Default: locked memory required, no strict mode.</summary>
    public SecureMemoryOptions SecureMemory { get; set; } = new();
}

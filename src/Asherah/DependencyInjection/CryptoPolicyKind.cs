namespace Asherah;

/// <summary>Which crypto policy <see cref="AsherahOptions"/> makes when no <see cref="AsherahOptions.CryptoPolicy"/> is set in code.</summary>
public enum CryptoPolicyKind
{
    /// <summary>A <see cref="BasicExpiringCryptoPolicy"/>: keys expire after <see cref="AsherahOptions.ExpireAfter"/> and are re-checked every <see cref="AsherahOptions.CheckInterval"/>. The default.</summary>
    BasicExpiring,

    /// <summary>
    /// A <see cref="NeverExpiredCryptoPolicy"/>: keys never expire and are never re-checked for revocation. Tests only:
    /// refused when the host environment is Production unless
    /// <see cref="AsherahOptions.AllowDevelopmentComponentsInProduction"/> is set.
    /// </summary>
    NeverExpired,
}

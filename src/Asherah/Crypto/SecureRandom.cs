using System.Security.Cryptography;

namespace Asherah.Crypto;

/// <summary>Randomness for keys and nonces.</summary>
internal static class SecureRandom
{
    /// <summary>Fills <paramref name="destination"/> with cryptographically strong random bytes.</summary>
    public static void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);
}

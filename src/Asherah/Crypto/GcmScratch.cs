using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Asherah.Crypto;

/// <summary>
/// The key-derived values one AES-GCM call needs, on the caller's stack: round keys and GHASH key powers.
/// </summary>
/// <remarks>
/// <code>
/// scratch := roundKeys[15 × 16 = 240] || powers[9 × 16 = 144]   384 bytes, wiped by one call before returning
/// </code>
/// They share one struct so that a single <see cref="CryptographicOperations.ZeroMemory"/> call (which the JIT
/// never elides) wipes both; each such call costs several nanoseconds, a noticeable share of a small seal.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal struct GcmScratch
{
    public Aes256RoundKeys RoundKeys;
    public GhashKeyPowers Powers;

    /// <summary>Overwrites everything with zeros.</summary>
    public void Wipe() =>
        CryptographicOperations.ZeroMemory(
            MemoryMarshal.CreateSpan(ref Unsafe.As<GcmScratch, byte>(ref this), Unsafe.SizeOf<GcmScratch>()));
}

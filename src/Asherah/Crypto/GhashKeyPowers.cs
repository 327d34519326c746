using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Asherah.Crypto;

/// <summary>
/// H'^1 .. H'^8 in the POLYVAL domain (128 bytes), for hashing eight blocks with one reduction.
/// </summary>
/// <remarks>Computed per call on the stack for inputs of at least eight blocks, then <see cref="Wipe"/>d.</remarks>
[InlineArray(Count)]
internal struct GhashKeyPowers
{
    /// <summary>How many powers are held; element i is H'^(i+1).</summary>
    public const int Count = 8;

    private Vector128<ulong> _element0;

    /// <summary>Computes the powers of <paramref name="h"/> in three dependent multiplication levels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Compute(Vector128<ulong> h, out GhashKeyPowers powers)
    {
        Unsafe.SkipInit(out powers);
        var h2 = ClmulGhash.Multiply(h, h);
        var h3 = ClmulGhash.Multiply(h2, h);
        var h4 = ClmulGhash.Multiply(h2, h2);
        powers[0] = h;
        powers[1] = h2;
        powers[2] = h3;
        powers[3] = h4;
        powers[4] = ClmulGhash.Multiply(h4, h);
        powers[5] = ClmulGhash.Multiply(h4, h2);
        powers[6] = ClmulGhash.Multiply(h4, h3);
        powers[7] = ClmulGhash.Multiply(h4, h4);
    }

    /// <summary>Overwrites the powers with zeros in a way the JIT cannot elide.</summary>
    public void Wipe() =>
        CryptographicOperations.ZeroMemory(
            MemoryMarshal.CreateSpan(ref Unsafe.As<GhashKeyPowers, byte>(ref this), Count * 16));
}

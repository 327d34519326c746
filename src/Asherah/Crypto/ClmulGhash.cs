using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics;

namespace Asherah.Crypto;

/// <summary>
/// GHASH arithmetic on carry-less multiplication (PCLMULQDQ), computed in the byte-reversed POLYVAL domain.
/// </summary>
/// <remarks>
/// <para>
/// GCM's field GF(2^128) is bit-reflected, which makes it awkward for PCLMULQDQ. RFC 8452 (appendix A) shows
/// GHASH(H, X1..Xn) = rev(POLYVAL(mulX(rev(H)), rev(X1)..rev(Xn))) where rev reverses the 16 bytes and mulX
/// multiplies by x in POLYVAL's field (polynomial x^128 + x^127 + x^126 + x^121 + 1). In POLYVAL every block is a
/// little-endian 128-bit polynomial, so the accumulator is Y = (Y ^ rev(X)) · H' with the Montgomery-style product
/// a · b · x^-128, which reduces with two folding multiplications by the constant 0xC2000000_00000000
/// (Gueron, "AES-GCM-SIV implementation", and BoringSSL's POLYVAL).
/// </para>
/// <para>
/// Products are split into <see cref="Accumulate"/> (three unreduced 128-bit parts) and <see cref="Reduce"/>, so
/// that several blocks multiplied by successive powers of H' share one reduction (aggregated reduction).
/// Nothing here branches on or indexes by data.
/// </para>
/// </remarks>
internal static class ClmulGhash
{
    /// <summary>Reverses the byte order of a block: GCM's big-endian convention to POLYVAL's little-endian one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> Reverse(Vector128<byte> block) =>
        Ssse3.Shuffle(block, Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)).AsUInt64();

    /// <summary>Reverses the byte order back from the POLYVAL domain.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> Unreverse(Vector128<ulong> value) => Reverse(value.AsByte()).AsByte();

    /// <summary>
    /// The POLYVAL-domain hash key from GCM's H = AES_K(0^128): mulX(rev(H)), computed without branches.
    /// </summary>
    public static Vector128<ulong> HashKeyFromH(Vector128<byte> h)
    {
        var r = Reverse(h);
        ulong lo = r.GetElement(0);
        ulong hi = r.GetElement(1);
        ulong carry = 0UL - (hi >> 63);
        ulong newLo = (lo << 1) ^ (carry & 1UL);
        ulong newHi = ((hi << 1) | (lo >> 63)) ^ (carry & 0xC200000000000000UL);
        return Vector128.Create(newLo, newHi);
    }

    /// <summary>Adds the unreduced product a·b to (lo, mid, hi).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Accumulate(
        Vector128<ulong> a,
        Vector128<ulong> b,
        ref Vector128<ulong> lo,
        ref Vector128<ulong> mid,
        ref Vector128<ulong> hi)
    {
        lo ^= Pclmulqdq.CarrylessMultiply(a, b, 0x00);
        hi ^= Pclmulqdq.CarrylessMultiply(a, b, 0x11);
        mid ^= Pclmulqdq.CarrylessMultiply(a, b, 0x01) ^ Pclmulqdq.CarrylessMultiply(a, b, 0x10);
    }

    /// <summary>Reduces an unreduced 256-bit product (lo, mid, hi) to lo·x^-128 ... mod the POLYVAL polynomial.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> Reduce(Vector128<ulong> lo, Vector128<ulong> mid, Vector128<ulong> hi)
    {
        lo ^= Sse2.ShiftLeftLogical128BitLane(mid, 8);
        hi ^= Sse2.ShiftRightLogical128BitLane(mid, 8);

        var poly = Vector128.Create(1UL, 0xC200000000000000UL);
        var t = Pclmulqdq.CarrylessMultiply(lo, poly, 0x10);
        lo = Sse2.Shuffle(lo.AsUInt32(), 0x4E).AsUInt64() ^ t;
        t = Pclmulqdq.CarrylessMultiply(lo, poly, 0x10);
        lo = Sse2.Shuffle(lo.AsUInt32(), 0x4E).AsUInt64() ^ t;
        return hi ^ lo;
    }

    /// <summary>The POLYVAL product a·b·x^-128.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> Multiply(Vector128<ulong> a, Vector128<ulong> b)
    {
        var lo = Pclmulqdq.CarrylessMultiply(a, b, 0x00);
        var hi = Pclmulqdq.CarrylessMultiply(a, b, 0x11);
        var mid = Pclmulqdq.CarrylessMultiply(a, b, 0x01) ^ Pclmulqdq.CarrylessMultiply(a, b, 0x10);
        return Reduce(lo, mid, hi);
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Asherah.Crypto;

/// <summary>
/// GHASH of eight blocks with one aggregated reduction: <c>X := (b0 ^ hash)*H'^8 ^ b1*H'^7 ^ ... ^ b7*H'^1</c>, left
/// unreduced as (lo, mid, hi) for <see cref="ClmulGhash.Reduce"/>.
/// </summary>
/// <remarks>
/// Where the CPU has 512-bit VPCLMULQDQ (<c>Pclmulqdq.V512</c>) and AVX-512BW, four blocks go into each carry-less
/// multiplication and the 512-bit products are folded to 128 bits before the reduction; elsewhere each block is
/// multiplied on 128-bit PCLMULQDQ (<see cref="ClmulGhash.Accumulate"/>). Both are constant time. Inlined into the
/// eight-block loop of <see cref="IntrinsicsAesGcmEngine"/> so the blocks stay in registers.
/// </remarks>
internal static class WideGhash
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Hash8(
        Vector128<byte> b0,
        Vector128<byte> b1,
        Vector128<byte> b2,
        Vector128<byte> b3,
        Vector128<byte> b4,
        Vector128<byte> b5,
        Vector128<byte> b6,
        Vector128<byte> b7,
        Vector128<ulong> hash,
        ref GhashKeyPowers powers,
        Powers widePowers,
        ref Vector128<ulong> lo,
        ref Vector128<ulong> mid,
        ref Vector128<ulong> hi)
    {
        if (Pclmulqdq.V512.IsSupported && Avx512BW.IsSupported)
        {
            // VPCLMULQDQ on 512 bits: four blocks per multiplication, folded to 128 bits before the reduction.
            var reverse = Vector512.Create(
                Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)).AsByte();
            var x0 = Avx512BW.Shuffle(Vector512.Create(Vector256.Create(b0, b1), Vector256.Create(b2, b3)), reverse).AsUInt64()
                ^ hash.ToVector256().ToVector512();
            var x1 = Avx512BW.Shuffle(Vector512.Create(Vector256.Create(b4, b5), Vector256.Create(b6, b7)), reverse).AsUInt64();
            var p0 = widePowers.High;
            var p1 = widePowers.Low;
            lo ^= Fold(Pclmulqdq.V512.CarrylessMultiply(x0, p0, 0x00) ^ Pclmulqdq.V512.CarrylessMultiply(x1, p1, 0x00));
            hi ^= Fold(Pclmulqdq.V512.CarrylessMultiply(x0, p0, 0x11) ^ Pclmulqdq.V512.CarrylessMultiply(x1, p1, 0x11));
            mid ^= Fold(
                Pclmulqdq.V512.CarrylessMultiply(x0, p0, 0x01) ^ Pclmulqdq.V512.CarrylessMultiply(x0, p0, 0x10) ^
                Pclmulqdq.V512.CarrylessMultiply(x1, p1, 0x01) ^ Pclmulqdq.V512.CarrylessMultiply(x1, p1, 0x10));
            return;
        }

        ClmulGhash.Accumulate(ClmulGhash.Reverse(b0) ^ hash, powers.Get(7), ref lo, ref mid, ref hi);
        ClmulGhash.Accumulate(ClmulGhash.Reverse(b1), powers.Get(6), ref lo, ref mid, ref hi);
        ClmulGhash.Accumulate(ClmulGhash.Reverse(b2), powers.Get(5), ref lo, ref mid, ref hi);
        ClmulGhash.Accumulate(ClmulGhash.Reverse(b3), powers.Get(4), ref lo, ref mid, ref hi);
        ClmulGhash.Accumulate(ClmulGhash.Reverse(b4), powers.Get(3), ref lo, ref mid, ref hi);
        ClmulGhash.Accumulate(ClmulGhash.Reverse(b5), powers.Get(2), ref lo, ref mid, ref hi);
        ClmulGhash.Accumulate(ClmulGhash.Reverse(b6), powers.Get(1), ref lo, ref mid, ref hi);
        ClmulGhash.Accumulate(ClmulGhash.Reverse(b7), powers.Get(0), ref lo, ref mid, ref hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Fold(Vector512<ulong> value)
    {
        var half = value.GetLower() ^ value.GetUpper();
        return half.GetLower() ^ half.GetUpper();
    }

    /// <summary>H'^8..H'^5 and H'^4..H'^1 packed for 512-bit carry-less multiplication (lane 0 first).</summary>
    public readonly record struct Powers(Vector512<ulong> High, Vector512<ulong> Low)
    {
        /// <summary>The packed powers where 512-bit carry-less multiplication is supported; unused (zero) elsewhere.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Powers From(ref GhashKeyPowers powers) => Pclmulqdq.V512.IsSupported
            ? new Powers(
                Vector512.Create(Vector256.Create(powers.Get(7), powers.Get(6)), Vector256.Create(powers.Get(5), powers.Get(4))),
                Vector512.Create(Vector256.Create(powers.Get(3), powers.Get(2)), Vector256.Create(powers.Get(1), powers.Get(0))))
            : default;
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Asherah.Crypto;

/// <summary>
/// H'^1 .. H'^9 in the POLYVAL domain (144 bytes), for hashing up to nine blocks with one reduction.
/// </summary>
/// <remarks>
/// Computed per call into <see cref="GcmScratch"/> on the stack, which is wiped before the call returns: the
/// first eight for the eight-block loop (<see cref="Compute"/>), then as many as the tail needs
/// (<see cref="ComputeUpTo"/>).
/// </remarks>
[InlineArray(Count)]
internal struct GhashKeyPowers
{
    /// <summary>How many powers are held; element i is H'^(i+1).</summary>
    public const int Count = 9;

    private Vector128<ulong> _element0;

    /// <summary>
    /// Computes H'^1 .. H'^<paramref name="count"/> (1 to 9), in at most four dependent multiplication levels.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ComputeUpTo(Vector128<ulong> h, int count)
    {
        Set(0, h);
        if (count < 2)
        {
            return;
        }

        var h2 = ClmulGhash.Multiply(h, h);
        Set(1, h2);
        if (count < 3)
        {
            return;
        }

        Set(2, ClmulGhash.Multiply(h2, h));
        if (count < 4)
        {
            return;
        }

        var h4 = ClmulGhash.Multiply(h2, h2);
        Set(3, h4);
        for (int i = 4; i < count; i++)
        {
            // H'^(i+1) = H'^4 · H'^(i-3), both already computed.
            Set(i, ClmulGhash.Multiply(h4, Get(i - 4)));
        }
    }

    /// <summary>Computes H'^1 .. H'^8 in three dependent multiplication levels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Compute(Vector128<ulong> h, out GhashKeyPowers powers)
    {
        Unsafe.SkipInit(out powers);
        var h2 = ClmulGhash.Multiply(h, h);
        var h3 = ClmulGhash.Multiply(h2, h);
        var h4 = ClmulGhash.Multiply(h2, h2);
        powers.Set(0, h);
        powers.Set(1, h2);
        powers.Set(2, h3);
        powers.Set(3, h4);
        powers.Set(4, ClmulGhash.Multiply(h4, h));
        powers.Set(5, ClmulGhash.Multiply(h4, h2));
        powers.Set(6, ClmulGhash.Multiply(h4, h3));
        powers.Set(7, ClmulGhash.Multiply(h4, h4));
    }

    /// <summary>H'^(<paramref name="index"/>+1), without a bounds check (see <see cref="Aes256RoundKeys.Encrypt"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vector128<ulong> Get(int index) =>
        Unsafe.Add(ref Unsafe.As<GhashKeyPowers, Vector128<ulong>>(ref Unsafe.AsRef(in this)), index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Set(int index, Vector128<ulong> value) =>
        Unsafe.Add(ref Unsafe.As<GhashKeyPowers, Vector128<ulong>>(ref this), index) = value;
}

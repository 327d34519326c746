using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Asherah.Crypto;

/// <summary>The bulk path: eight blocks of CTR interleaved with their GHASH (<see cref="WideGhash"/>) per iteration.</summary>
internal sealed partial class IntrinsicsAesGcmEngine
{
    /// <summary>
    /// CTR and GHASH over <paramref name="blocks"/> (a multiple of eight) blocks from counter 2; returns the hash.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector128<ulong> ProcessWide<TDirection>(
        ref Aes256RoundKeys roundKeys,
        ref GhashKeyPowers powers,
        Vector128<ulong> hashKey,
        Vector128<ulong> hash,
        Vector128<uint> counterBase,
        int blocks,
        ref byte source,
        ref byte destination)
        where TDirection : struct, IDirection
    {
        GhashKeyPowers.Compute(hashKey, out powers);
        var widePowers = WideGhash.Powers.From(ref powers);

        uint counter = 2;
        for (int offset = 0; offset < blocks * BlockSize; offset += WideSize)
        {
            hash = Process8<TDirection>(
                ref roundKeys,
                ref powers,
                widePowers,
                hash,
                counterBase,
                counter,
                ref Unsafe.Add(ref source, offset),
                ref Unsafe.Add(ref destination, offset));
            counter += WideBlocks;
        }

        return hash;
    }

    /// <summary>Eight blocks of CTR interleaved, hashed with H'^8..H'^1 and a single reduction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Process8<TDirection>(
        ref Aes256RoundKeys roundKeys,
        ref GhashKeyPowers powers,
        WideGhash.Powers widePowers,
        Vector128<ulong> hash,
        Vector128<uint> counterBase,
        uint counter,
        ref byte source,
        ref byte destination)
        where TDirection : struct, IDirection
    {
        var lo = Vector128<ulong>.Zero;
        var mid = Vector128<ulong>.Zero;
        var hi = Vector128<ulong>.Zero;
        var k = roundKeys.Get(0);
        var c0 = Counter(counterBase, counter) ^ k;
        var c1 = Counter(counterBase, counter + 1) ^ k;
        var c2 = Counter(counterBase, counter + 2) ^ k;
        var c3 = Counter(counterBase, counter + 3) ^ k;
        var c4 = Counter(counterBase, counter + 4) ^ k;
        var c5 = Counter(counterBase, counter + 5) ^ k;
        var c6 = Counter(counterBase, counter + 6) ^ k;
        var c7 = Counter(counterBase, counter + 7) ^ k;
        for (int round = 1; round < Aes256RoundKeys.Count - 1; round++)
        {
            k = roundKeys.Get(round);
            c0 = Aes.Encrypt(c0, k);
            c1 = Aes.Encrypt(c1, k);
            c2 = Aes.Encrypt(c2, k);
            c3 = Aes.Encrypt(c3, k);
            c4 = Aes.Encrypt(c4, k);
            c5 = Aes.Encrypt(c5, k);
            c6 = Aes.Encrypt(c6, k);
            c7 = Aes.Encrypt(c7, k);
        }

        k = roundKeys.Get(Aes256RoundKeys.Count - 1);

        // All eight input blocks are read before any output is written, so in-place operation is safe.
        var i0 = Vector128.LoadUnsafe(ref source);
        var i1 = Vector128.LoadUnsafe(ref source, 16);
        var i2 = Vector128.LoadUnsafe(ref source, 32);
        var i3 = Vector128.LoadUnsafe(ref source, 48);
        var i4 = Vector128.LoadUnsafe(ref source, 64);
        var i5 = Vector128.LoadUnsafe(ref source, 80);
        var i6 = Vector128.LoadUnsafe(ref source, 96);
        var i7 = Vector128.LoadUnsafe(ref source, 112);
        var o0 = Aes.EncryptLast(c0, k) ^ i0;
        var o1 = Aes.EncryptLast(c1, k) ^ i1;
        var o2 = Aes.EncryptLast(c2, k) ^ i2;
        var o3 = Aes.EncryptLast(c3, k) ^ i3;
        var o4 = Aes.EncryptLast(c4, k) ^ i4;
        var o5 = Aes.EncryptLast(c5, k) ^ i5;
        var o6 = Aes.EncryptLast(c6, k) ^ i6;
        var o7 = Aes.EncryptLast(c7, k) ^ i7;
        o0.StoreUnsafe(ref destination);
        o1.StoreUnsafe(ref destination, 16);
        o2.StoreUnsafe(ref destination, 32);
        o3.StoreUnsafe(ref destination, 48);
        o4.StoreUnsafe(ref destination, 64);
        o5.StoreUnsafe(ref destination, 80);
        o6.StoreUnsafe(ref destination, 96);
        o7.StoreUnsafe(ref destination, 112);

        if (TDirection.Decrypting)
        {
            WideGhash.Hash8(i0, i1, i2, i3, i4, i5, i6, i7, hash, ref powers, widePowers, ref lo, ref mid, ref hi);
        }
        else
        {
            WideGhash.Hash8(o0, o1, o2, o3, o4, o5, o6, o7, hash, ref powers, widePowers, ref lo, ref mid, ref hi);
        }

        return ClmulGhash.Reduce(lo, mid, hi);
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Asherah.Crypto;

/// <summary>
/// Loads and stores of the 1 to 15 bytes of a final partial block without a memcpy helper call (a call in the
/// middle of the AES-GCM code would make the JIT spill every vector register). Branches test bits of the length,
/// which is public.
/// </summary>
internal static class PartialBlock
{
    /// <summary>Reads <paramref name="count"/> bytes (under 16) as a block padded with zeros.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> Load(ref byte source, int count)
    {
        ulong lo = 0;
        ulong hi = 0;
        int at = count & 8;
        if (at != 0)
        {
            lo = Unsafe.ReadUnaligned<ulong>(ref source);
        }

        ulong tail = 0;
        int shift = 0;
        if ((count & 4) != 0)
        {
            tail = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref source, at));
            shift = 32;
        }

        if ((count & 2) != 0)
        {
            tail |= (ulong)Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref source, at + (shift >> 3))) << shift;
            shift += 16;
        }

        if ((count & 1) != 0)
        {
            tail |= (ulong)Unsafe.Add(ref source, at + (shift >> 3)) << shift;
        }

        if (at != 0)
        {
            hi = tail;
        }
        else
        {
            lo = tail;
        }

        return Vector128.Create(lo, hi).AsByte();
    }

    /// <summary>Writes the first <paramref name="count"/> bytes (under 16) of <paramref name="block"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ref byte destination, Vector128<byte> block, int count)
    {
        var words = block.AsUInt64();
        ulong tail = words.GetElement(0);
        int at = count & 8;
        if (at != 0)
        {
            Unsafe.WriteUnaligned(ref destination, tail);
            tail = words.GetElement(1);
        }

        if ((count & 4) != 0)
        {
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, at), (uint)tail);
            tail >>= 32;
            at += 4;
        }

        if ((count & 2) != 0)
        {
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, at), (ushort)tail);
            tail >>= 16;
            at += 2;
        }

        if ((count & 1) != 0)
        {
            Unsafe.Add(ref destination, at) = (byte)tail;
        }
    }
}

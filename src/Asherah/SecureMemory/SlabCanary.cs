using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Asherah.SecureMemory;

/// <summary>The 16-byte canaries that follow every slot of a <see cref="SlabAllocator"/>.</summary>
/// <remarks>
/// <code>
/// canary(at) := (k0 ^ at) : u64, (k1 ^ (at * 0x9E3779B97F4A7C15)) : u64   ; k0, k1 random per allocator, at = address
/// </code>
/// Mixing in the address makes every slot's canary different, so a canary copied from one slot fails elsewhere. A
/// canary is written once, when its chunk is mapped, and checked when its slot is freed.
/// </remarks>
internal readonly unsafe struct SlabCanary
{
    public const int Size = 16;

    private readonly ulong _k0;
    private readonly ulong _k1;

    private SlabCanary(ulong k0, ulong k1)
    {
        _k0 = k0;
        _k1 = k1;
    }

    /// <summary>A canary with a fresh random key.</summary>
    public static SlabCanary CreateRandom()
    {
        Span<ulong> key = stackalloc ulong[2];
        RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(key));
        return new SlabCanary(key[0], key[1]);
    }

    /// <summary>Writes the canary for <paramref name="at"/> into the 16 bytes there.</summary>
    public void Write(byte* at)
    {
        var words = (ulong*)at;
        (words[0], words[1]) = ValueAt(at);
    }

    /// <summary>Whether the 16 bytes at <paramref name="at"/> still hold their canary.</summary>
    public bool IsIntact(byte* at)
    {
        var words = (ulong*)at;
        (ulong c0, ulong c1) = ValueAt(at);
        return ((words[0] ^ c0) | (words[1] ^ c1)) == 0;
    }

    private (ulong, ulong) ValueAt(byte* at)
    {
        ulong address = (ulong)at;
        return (_k0 ^ address, _k1 ^ (address * 0x9E3779B97F4A7C15UL));
    }
}

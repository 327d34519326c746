using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Asherah.Crypto;

/// <summary>
/// The 15 AES-256 encryption round keys (240 bytes), expanded with AES-NI (<c>AESKEYGENASSIST</c>).
/// </summary>
/// <remarks>
/// Meant to live on the stack for the duration of one call: expand with <see cref="Expand"/>, use, then
/// <see cref="Wipe"/>. Only encryption is needed (GCM runs AES forward for both directions), so there is no
/// decryption schedule. Every step is an AES-NI or SSE instruction: no table lookups, no data-dependent branches.
/// </remarks>
[InlineArray(Count)]
internal struct Aes256RoundKeys
{
    /// <summary>Number of round keys for AES-256 (14 rounds plus the initial whitening key).</summary>
    public const int Count = 15;

    /// <summary>Size of the schedule in bytes.</summary>
    public const int Size = Count * 16;

    private Vector128<byte> _element0;

    /// <summary>Expands the 32 bytes at <paramref name="key"/> (FIPS 197 section 5.2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Expand(ref byte key, out Aes256RoundKeys k)
    {
        Unsafe.SkipInit(out k);
        var a = Vector128.LoadUnsafe(ref key);
        var b = Vector128.LoadUnsafe(ref key, 16);
        k[0] = a;
        k[1] = b;

        // AESKEYGENASSIST needs its round constant as an immediate, so every step is written out.
        a = EvenKey(a, Aes.KeygenAssist(b, 0x01));
        k[2] = a;
        b = OddKey(b, a);
        k[3] = b;
        a = EvenKey(a, Aes.KeygenAssist(b, 0x02));
        k[4] = a;
        b = OddKey(b, a);
        k[5] = b;
        a = EvenKey(a, Aes.KeygenAssist(b, 0x04));
        k[6] = a;
        b = OddKey(b, a);
        k[7] = b;
        a = EvenKey(a, Aes.KeygenAssist(b, 0x08));
        k[8] = a;
        b = OddKey(b, a);
        k[9] = b;
        a = EvenKey(a, Aes.KeygenAssist(b, 0x10));
        k[10] = a;
        b = OddKey(b, a);
        k[11] = b;
        a = EvenKey(a, Aes.KeygenAssist(b, 0x20));
        k[12] = a;
        b = OddKey(b, a);
        k[13] = b;
        a = EvenKey(a, Aes.KeygenAssist(b, 0x40));
        k[14] = a;
    }

    /// <summary>Encrypts one block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vector128<byte> Encrypt(Vector128<byte> block)
    {
        block ^= this[0];
        block = Aes.Encrypt(block, this[1]);
        block = Aes.Encrypt(block, this[2]);
        block = Aes.Encrypt(block, this[3]);
        block = Aes.Encrypt(block, this[4]);
        block = Aes.Encrypt(block, this[5]);
        block = Aes.Encrypt(block, this[6]);
        block = Aes.Encrypt(block, this[7]);
        block = Aes.Encrypt(block, this[8]);
        block = Aes.Encrypt(block, this[9]);
        block = Aes.Encrypt(block, this[10]);
        block = Aes.Encrypt(block, this[11]);
        block = Aes.Encrypt(block, this[12]);
        block = Aes.Encrypt(block, this[13]);
        return Aes.EncryptLast(block, this[14]);
    }

    /// <summary>Overwrites the schedule with zeros in a way the JIT cannot elide.</summary>
    public void Wipe() =>
        CryptographicOperations.ZeroMemory(MemoryMarshal.CreateSpan(ref Unsafe.As<Aes256RoundKeys, byte>(ref this), Size));

    // Round keys 2i: w = prev ^ (prev << 32) ^ (prev << 64) ^ (prev << 96) ^ broadcast(SubWord(RotWord(w[-1])) ^ rcon).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> EvenKey(Vector128<byte> previous, Vector128<byte> assist) =>
        PrefixXor(previous) ^ Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();

    // Round keys 2i+1: the same prefix XOR with broadcast(SubWord(w[-1])) (no rotation, no round constant).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> OddKey(Vector128<byte> previous, Vector128<byte> even) =>
        PrefixXor(previous) ^ Sse2.Shuffle(Aes.KeygenAssist(even, 0x00).AsUInt32(), 0xAA).AsByte();

    // x ^ x<<32 ^ x<<64 ^ x<<96 (byte shifts across the whole register) in two steps.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> PrefixXor(Vector128<byte> x)
    {
        x ^= Sse2.ShiftLeftLogical128BitLane(x, 4);
        return x ^ Sse2.ShiftLeftLogical128BitLane(x, 8);
    }
}

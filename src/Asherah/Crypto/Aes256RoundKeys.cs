using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics;
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
        ref var first = ref Unsafe.As<Aes256RoundKeys, Vector128<byte>>(ref k);
        var a = Vector128.LoadUnsafe(ref key);
        var b = Vector128.LoadUnsafe(ref key, 16);
        Unsafe.Add(ref first, 0) = a;
        Unsafe.Add(ref first, 1) = b;

        // AESKEYGENASSIST needs its round constant as an immediate, so every step is written out.
        a = EvenKey(a, Aes.KeygenAssist(b, 0x01));
        Unsafe.Add(ref first, 2) = a;
        b = OddKey(b, a);
        Unsafe.Add(ref first, 3) = b;
        a = EvenKey(a, Aes.KeygenAssist(b, 0x02));
        Unsafe.Add(ref first, 4) = a;
        b = OddKey(b, a);
        Unsafe.Add(ref first, 5) = b;
        a = EvenKey(a, Aes.KeygenAssist(b, 0x04));
        Unsafe.Add(ref first, 6) = a;
        b = OddKey(b, a);
        Unsafe.Add(ref first, 7) = b;
        a = EvenKey(a, Aes.KeygenAssist(b, 0x08));
        Unsafe.Add(ref first, 8) = a;
        b = OddKey(b, a);
        Unsafe.Add(ref first, 9) = b;
        a = EvenKey(a, Aes.KeygenAssist(b, 0x10));
        Unsafe.Add(ref first, 10) = a;
        b = OddKey(b, a);
        Unsafe.Add(ref first, 11) = b;
        a = EvenKey(a, Aes.KeygenAssist(b, 0x20));
        Unsafe.Add(ref first, 12) = a;
        b = OddKey(b, a);
        Unsafe.Add(ref first, 13) = b;
        a = EvenKey(a, Aes.KeygenAssist(b, 0x40));
        Unsafe.Add(ref first, 14) = a;
    }

    /// <summary>Encrypts one block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vector128<byte> Encrypt(Vector128<byte> block)
    {
        // Unsafe.Add rather than the InlineArray indexer: the indexer is a helper call the JIT may decline to
        // inline in a large method, and a call there spills every vector register.
        ref var k = ref Unsafe.As<Aes256RoundKeys, Vector128<byte>>(ref Unsafe.AsRef(in this));
        block ^= k;
        block = Aes.Encrypt(block, Unsafe.Add(ref k, 1));
        block = Aes.Encrypt(block, Unsafe.Add(ref k, 2));
        block = Aes.Encrypt(block, Unsafe.Add(ref k, 3));
        block = Aes.Encrypt(block, Unsafe.Add(ref k, 4));
        block = Aes.Encrypt(block, Unsafe.Add(ref k, 5));
        block = Aes.Encrypt(block, Unsafe.Add(ref k, 6));
        block = Aes.Encrypt(block, Unsafe.Add(ref k, 7));
        block = Aes.Encrypt(block, Unsafe.Add(ref k, 8));
        block = Aes.Encrypt(block, Unsafe.Add(ref k, 9));
        block = Aes.Encrypt(block, Unsafe.Add(ref k, 10));
        block = Aes.Encrypt(block, Unsafe.Add(ref k, 11));
        block = Aes.Encrypt(block, Unsafe.Add(ref k, 12));
        block = Aes.Encrypt(block, Unsafe.Add(ref k, 13));
        return Aes.EncryptLast(block, Unsafe.Add(ref k, 14));
    }

    /// <summary>Round key <paramref name="index"/> (0 to 14), without a bounds check.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vector128<byte> Get(int index) =>
        Unsafe.Add(ref Unsafe.As<Aes256RoundKeys, Vector128<byte>>(ref Unsafe.AsRef(in this)), index);

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

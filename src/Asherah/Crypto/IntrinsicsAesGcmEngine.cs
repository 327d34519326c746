using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Asherah.Crypto;

/// <summary>
/// AES-256-GCM (NIST SP 800-38D) on x86 AES-NI and PCLMULQDQ through <c>System.Runtime.Intrinsics</c>.
/// </summary>
/// <remarks>
/// <para>
/// Per-key state, 48 bytes (<see cref="StateSize"/>), owned by the caller (secure memory for cached keys):
/// <code>
/// keyState := key[32] || H'[16]
/// H'       := mulX_POLYVAL(rev(AES_K(0^128)))   the GHASH key in the POLYVAL domain, see ClmulGhash
/// </code>
/// The AES-256 round keys (240 bytes) are not stored: every call expands them from the key with AESKEYGENASSIST
/// into a stack buffer (<see cref="GcmScratch"/>, 384 bytes with room for H'^1..H'^9, the GHASH key powers for
/// aggregated reduction) and wipes the whole buffer with one <see cref="CryptographicOperations.ZeroMemory"/> call
/// before returning, also when nothing was encrypted. Keeping the state at 48 bytes is a product requirement:
/// 100,000 cached keys with their state fit in 8 MiB of locked memory. Values that only ever sat in registers or
/// were spilled by the JIT (keystream, E(J0)) are outside what managed code can wipe.
/// </para>
/// <para>
/// Message layout: J0 := nonce[12] || 0x00000001; keystream block i (from 0) := AES_K(nonce || be32(i + 2));
/// tag := GHASH_H(aad-padded || ct-padded || be64(bits(aad)) || be64(bits(ct))) ^ AES_K(J0).
/// Eight blocks are encrypted interleaved and hashed with one aggregated reduction (H'^8..H'^1), on 512-bit
/// VPCLMULQDQ (four blocks per multiplication) where <c>Pclmulqdq.V512</c> is supported, else on 128-bit
/// PCLMULQDQ; AES stays 128-bit because .NET 10 exposes no VAES. The tail (up to
/// seven whole blocks, a partial block and the length block) is hashed with one more aggregated reduction whose key
/// powers the CPU computes while the AES rounds run, so a small message pays one reduction after its last block.
/// </para>
/// <para>
/// Constant time: AES is AES-NI, GHASH is carry-less multiplication, the tag check is a 128-bit XOR tested as a
/// whole. Branches depend only on lengths. Plaintext and ciphertext may be the same memory (every block is read
/// before its output is written); partial overlap is rejected.
/// </para>
/// </remarks>
internal sealed partial class IntrinsicsAesGcmEngine : AesGcmEngine
{
    /// <summary>The one instance; the engine has no state of its own.</summary>
    public static readonly IntrinsicsAesGcmEngine Instance = new();

    /// <summary>Bytes of per-key state: the 32-byte key and the 16-byte GHASH key.</summary>
    public const int StateSize = KeySize + 16;

    private const int BlockSize = 16;
    private const int WideBlocks = 8;
    private const int WideSize = WideBlocks * BlockSize;

    private IntrinsicsAesGcmEngine()
    {
    }

    /// <summary>Whether the CPU and runtime offer every instruction this engine uses.</summary>
    public static bool IsSupported =>
        Aes.IsSupported && Pclmulqdq.IsSupported && Sse2.IsSupported && Ssse3.IsSupported && Sse41.IsSupported;

    public override string Name => "intrinsics";

    public override AesGcmEngineKind Kind => AesGcmEngineKind.Intrinsics;

    public override int KeyStateSize => StateSize;

    public override void InitializeKeyState(ReadOnlySpan<byte> key, Span<byte> keyState)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException("An AES-256 key is 32 bytes.", nameof(key));
        }

        if (keyState.Length < StateSize)
        {
            throw new ArgumentException("The key state buffer is too small for this engine.", nameof(keyState));
        }

        Aes256RoundKeys.Expand(ref MemoryMarshal.GetReference(key), out var roundKeys);
        var hashKey = ClmulGhash.HashKeyFromH(roundKeys.Encrypt(Vector128<byte>.Zero));
        roundKeys.Wipe();

        key.CopyTo(keyState);
        hashKey.AsByte().StoreUnsafe(ref MemoryMarshal.GetReference(keyState), KeySize);
    }

    public override void Seal(
        ReadOnlySpan<byte> keyState,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> plaintext,
        Span<byte> ciphertext,
        Span<byte> tag) => Seal(keyState, nonce, default, plaintext, ciphertext, tag);

    public override bool TryOpen(
        ReadOnlySpan<byte> keyState,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag,
        Span<byte> plaintext) => TryOpen(keyState, nonce, default, ciphertext, tag, plaintext);

    /// <summary>
    /// Seals with a key used once, expanding it a single time: the round keys give both the keystream and H, where
    /// <see cref="InitializeKeyState"/> followed by <see cref="Seal(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte}, Span{byte})"/> expands it twice.
    /// </summary>
    [SkipLocalsInit]
    public override void SealWithKey(
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> plaintext,
        Span<byte> ciphertext,
        Span<byte> tag)
    {
        Span<byte> keyState = stackalloc byte[StateSize];
        ValidateKey(key);
        Validate(keyState, nonce, plaintext, ciphertext, tag, nameof(plaintext), nameof(ciphertext));
        Unsafe.SkipInit(out GcmScratch scratch);
        ExpandOnce(key, keyState, ref scratch);
        var computed = Process<SealDirection>(ref scratch.RoundKeys, ref scratch.Powers, keyState, nonce, default, plaintext, ciphertext);
        scratch.Wipe();
        CryptographicOperations.ZeroMemory(keyState);
        computed.StoreUnsafe(ref MemoryMarshal.GetReference(tag));
    }

    /// <summary>Opens with a key used once, expanding it a single time (see <see cref="SealWithKey"/>).</summary>
    [SkipLocalsInit]
    public override bool TryOpenWithKey(
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag,
        Span<byte> plaintext)
    {
        Span<byte> keyState = stackalloc byte[StateSize];
        ValidateKey(key);
        Validate(keyState, nonce, ciphertext, plaintext, tag, nameof(ciphertext), nameof(plaintext));
        var expected = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(tag));
        Unsafe.SkipInit(out GcmScratch scratch);
        ExpandOnce(key, keyState, ref scratch);
        var computed = Process<OpenDirection>(ref scratch.RoundKeys, ref scratch.Powers, keyState, nonce, default, ciphertext, plaintext);
        scratch.Wipe();
        CryptographicOperations.ZeroMemory(keyState);
        return Verify(computed, expected, plaintext);
    }

    // One 128-bit comparison: the time does not depend on where the tags differ. A failed open leaves no plaintext.
    private static bool Verify(Vector128<byte> computed, Vector128<byte> expected, Span<byte> plaintext)
    {
        bool valid = (computed ^ expected) == Vector128<byte>.Zero;
        if (!valid)
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }

        return valid;
    }

    private static void ValidateKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException("An AES-256 key is 32 bytes.", nameof(key));
        }
    }

    // Round keys into the scratch, and the key state (key || H) the GHASH path reads, from one expansion.
    private static void ExpandOnce(ReadOnlySpan<byte> key, Span<byte> keyState, ref GcmScratch scratch)
    {
        Aes256RoundKeys.Expand(ref MemoryMarshal.GetReference(key), out scratch.RoundKeys);
        var hashKey = ClmulGhash.HashKeyFromH(scratch.RoundKeys.Encrypt(Vector128<byte>.Zero));
        key.CopyTo(keyState);
        hashKey.AsByte().StoreUnsafe(ref MemoryMarshal.GetReference(keyState), KeySize);
    }

    /// <summary>Seal with associated data; the product does not use AAD, the Wycheproof tests do.</summary>
    internal static void Seal(
        ReadOnlySpan<byte> keyState,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> associatedData,
        ReadOnlySpan<byte> plaintext,
        Span<byte> ciphertext,
        Span<byte> tag)
    {
        Validate(keyState, nonce, plaintext, ciphertext, tag, nameof(plaintext), nameof(ciphertext));
        Unsafe.SkipInit(out GcmScratch scratch);
        Aes256RoundKeys.Expand(ref MemoryMarshal.GetReference(keyState), out scratch.RoundKeys);
        var computed = Process<SealDirection>(ref scratch.RoundKeys, ref scratch.Powers, keyState, nonce, associatedData, plaintext, ciphertext);
        scratch.Wipe();
        computed.StoreUnsafe(ref MemoryMarshal.GetReference(tag));
    }

    /// <summary>Open with associated data; see <see cref="Seal(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte}, Span{byte})"/>.</summary>
    internal static bool TryOpen(
        ReadOnlySpan<byte> keyState,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> associatedData,
        ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag,
        Span<byte> plaintext)
    {
        Validate(keyState, nonce, ciphertext, plaintext, tag, nameof(ciphertext), nameof(plaintext));

        // Read the expected tag before any plaintext is written, in case the caller's buffers share memory.
        var expected = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(tag));
        Unsafe.SkipInit(out GcmScratch scratch);
        Aes256RoundKeys.Expand(ref MemoryMarshal.GetReference(keyState), out scratch.RoundKeys);
        var computed = Process<OpenDirection>(ref scratch.RoundKeys, ref scratch.Powers, keyState, nonce, associatedData, ciphertext, plaintext);
        scratch.Wipe();
        return Verify(computed, expected, plaintext);
    }

    private static void Validate(
        ReadOnlySpan<byte> keyState,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> input,
        ReadOnlySpan<byte> output,
        ReadOnlySpan<byte> tag,
        string inputName,
        string outputName)
    {
        if (keyState.Length < StateSize)
        {
            throw new ArgumentException("The key state is too small for this engine.", nameof(keyState));
        }

        if (nonce.Length != NonceSize)
        {
            throw new ArgumentException("An AES-GCM nonce is 12 bytes.", nameof(nonce));
        }

        if (tag.Length != TagSize)
        {
            throw new ArgumentException("An AES-GCM tag is 16 bytes.", nameof(tag));
        }

        if (output.Length != input.Length)
        {
            throw new ArgumentException($"The {outputName} length must equal the {inputName} length.", outputName);
        }

        if (input.Overlaps(output, out int elementOffset) && elementOffset != 0)
        {
            throw new ArgumentException($"The {outputName} must be the same memory as the {inputName} or not overlap it.", outputName);
        }
    }

    /// <summary>
    /// CTR-encrypts <paramref name="input"/> into <paramref name="output"/> and returns the tag over the
    /// ciphertext (the input when decrypting, the output when encrypting).
    /// </summary>
    /// <remarks>
    /// Makes no calls on the short path (no AAD, under eight blocks), so the JIT keeps its state in registers; keep
    /// it that way, a call here costs a spill of every live vector.
    /// </remarks>
    private static Vector128<byte> Process<TDirection>(
        ref Aes256RoundKeys roundKeys,
        ref GhashKeyPowers tailPowers,
        ReadOnlySpan<byte> keyState,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> associatedData,
        ReadOnlySpan<byte> input,
        Span<byte> output)
        where TDirection : struct, IDirection
    {
        var hashKey = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(keyState), KeySize).AsUInt64();

        ref byte nonceRef = ref MemoryMarshal.GetReference(nonce);
        var counterBase = Vector128.Create(
            Unsafe.ReadUnaligned<ulong>(ref nonceRef),
            Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref nonceRef, 8))).AsUInt32();
        var tagMask = roundKeys.Encrypt(Counter(counterBase, 1));

        var hash = Vector128<ulong>.Zero;
        if (!associatedData.IsEmpty)
        {
            hash = HashPadded(hash, hashKey, associatedData);
        }

        ref byte source = ref MemoryMarshal.GetReference(input);
        ref byte destination = ref MemoryMarshal.GetReference(output);
        int length = input.Length;
        int offset = 0;
        uint counter = 2;

        if (length >= WideSize)
        {
            int wideBlocks = length / WideSize * WideBlocks;
            hash = ProcessWide<TDirection>(ref roundKeys, ref tailPowers, hashKey, hash, counterBase, wideBlocks, ref source, ref destination);
            counter += (uint)wideBlocks;
            offset = wideBlocks * BlockSize;
        }

        // The tail: up to 7 whole blocks, maybe a partial block, and the length block, at most 9 GHASH inputs.
        // They are hashed with one reduction against H'^m..H'^1, whose powers the CPU computes while the AES
        // rounds run, so a short message pays one reduction after its last block instead of one per block.
        int wholeBlocks = (length - offset) / BlockSize;
        int remaining = (length - offset) % BlockSize;
        int inputs = wholeBlocks + (remaining > 0 ? 1 : 0) + 1;
        tailPowers.ComputeUpTo(hashKey, inputs);

        var lo = Vector128<ulong>.Zero;
        var mid = Vector128<ulong>.Zero;
        var hi = Vector128<ulong>.Zero;
        for (int block = 0; block < wholeBlocks; block++)
        {
            var keystream = roundKeys.Encrypt(Counter(counterBase, counter++));
            var inBlock = Vector128.LoadUnsafe(ref source, (nuint)offset);
            var outBlock = inBlock ^ keystream;
            outBlock.StoreUnsafe(ref destination, (nuint)offset);
            ClmulGhash.Accumulate(
                ClmulGhash.Reverse(TDirection.Decrypting ? inBlock : outBlock) ^ hash,
                tailPowers.Get(--inputs),
                ref lo,
                ref mid,
                ref hi);
            hash = Vector128<ulong>.Zero;
            offset += BlockSize;
        }

        if (remaining > 0)
        {
            var inBlock = PartialBlock.Load(ref Unsafe.Add(ref source, offset), remaining);
            var keystream = roundKeys.Encrypt(Counter(counterBase, counter));

            // Keep only the message bytes: padding must hash as zeros and must not leak keystream.
            var mask = Vector128.LessThan(
                Vector128.Create((byte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                Vector128.Create((byte)remaining));
            var outBlock = (inBlock ^ keystream) & mask;
            PartialBlock.Store(ref Unsafe.Add(ref destination, offset), outBlock, remaining);
            ClmulGhash.Accumulate(
                ClmulGhash.Reverse(TDirection.Decrypting ? inBlock : outBlock) ^ hash,
                tailPowers.Get(--inputs),
                ref lo,
                ref mid,
                ref hi);
            hash = Vector128<ulong>.Zero;
        }

        // The length block, byte-reversed: low half is bits(ciphertext), high half bits(aad).
        var lengths = Vector128.Create((ulong)length * 8, (ulong)associatedData.Length * 8);
        ClmulGhash.Accumulate(lengths ^ hash, tailPowers.Get(0), ref lo, ref mid, ref hi);
        hash = ClmulGhash.Reduce(lo, mid, hi);
        return ClmulGhash.Unreverse(hash) ^ tagMask;
    }

    /// <summary>GHASH over <paramref name="data"/> zero-padded to whole blocks (used for associated data).</summary>
    private static Vector128<ulong> HashPadded(Vector128<ulong> hash, Vector128<ulong> hashKey, ReadOnlySpan<byte> data)
    {
        ref byte start = ref MemoryMarshal.GetReference(data);
        int offset = 0;
        for (; data.Length - offset >= BlockSize; offset += BlockSize)
        {
            hash = ClmulGhash.Multiply(hash ^ ClmulGhash.Reverse(Vector128.LoadUnsafe(ref start, (nuint)offset)), hashKey);
        }

        if (offset < data.Length)
        {
            var block = PartialBlock.Load(ref Unsafe.Add(ref start, offset), data.Length - offset);
            hash = ClmulGhash.Multiply(hash ^ ClmulGhash.Reverse(block), hashKey);
        }

        return hash;
    }

    /// <summary>The counter block nonce || be32(value).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Counter(Vector128<uint> counterBase, uint value) =>
        counterBase.WithElement(3, BinaryPrimitives.ReverseEndianness(value)).AsByte();

    /// <summary>Compile-time direction, so the JIT emits separate seal and open loops without a runtime test.</summary>
    private interface IDirection
    {
        static abstract bool Decrypting { get; }
    }

    private readonly struct SealDirection : IDirection
    {
        public static bool Decrypting => false;
    }

    private readonly struct OpenDirection : IDirection
    {
        public static bool Decrypting => true;
    }
}

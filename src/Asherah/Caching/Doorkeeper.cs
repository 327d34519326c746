using System.Numerics;

namespace Asherah.Caching;

/// <summary>
/// TinyLFU's doorkeeper (Einziger, Friedman and Manes, "TinyLFU: A Highly Efficient Cache Admission Policy", 2017, §3.4.2):
/// a Bloom filter that absorbs the first occurrence of a key in each sample period, so keys seen once (most keys of a
/// skewed trace) never reach the <see cref="FrequencySketch"/>'s counters and do not inflate the counters they share.
/// </summary>
/// <remarks>
/// <code>
/// bits  := 2^k bits in ulong words, 2^k ≥ bitsPerInsertion × expected insertions
/// probe := (h1 + i × h2) mod 2^k, i = 0..2, h1, h2 := halves of a 64-bit mix of the key's hash
/// </code>
/// Cleared at every aging reset of the sketch. Not thread-safe: the cache's policy lock guards it.
/// </remarks>
internal sealed class Doorkeeper
{
    private const int Probes = 3;

    private readonly ulong[] _bits;
    private readonly ulong _mask;

    /// <param name="expectedInsertions">Distinct keys expected between two clears (the sketch's sample size).</param>
    /// <param name="bitsPerInsertion">Filter bits per expected insertion (rounded up to a power of two in all).</param>
    public Doorkeeper(int expectedInsertions, int bitsPerInsertion = 8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(expectedInsertions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bitsPerInsertion, 1);
        long bits = (long)Math.Max(64UL, BitOperations.RoundUpToPowerOf2((ulong)expectedInsertions * (ulong)bitsPerInsertion));
        bits = Math.Min(bits, 1L << 34);
        _bits = new ulong[bits / 64];
        _mask = (ulong)bits - 1;
    }

    /// <summary>Bits in the filter.</summary>
    public long Size => _bits.LongLength * 64;

    /// <summary>Records <paramref name="hash"/>; true when it was (probably) recorded already since the last clear.</summary>
    public bool Add(int hash)
    {
        Probe(hash, out ulong h1, out ulong h2);
        bool present = true;
        for (int i = 0; i < Probes; i++)
        {
            ulong bit = (h1 + ((ulong)i * h2)) & _mask;
            ref ulong word = ref _bits[bit >> 6];
            ulong flag = 1UL << (int)(bit & 63);
            if ((word & flag) == 0)
            {
                present = false;
                word |= flag;
            }
        }

        return present;
    }

    /// <summary>True when <paramref name="hash"/> was (probably) recorded since the last clear; never false for one that was.</summary>
    public bool Contains(int hash)
    {
        Probe(hash, out ulong h1, out ulong h2);
        for (int i = 0; i < Probes; i++)
        {
            ulong bit = (h1 + ((ulong)i * h2)) & _mask;
            if ((_bits[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Forgets every key.</summary>
    public void Clear() => Array.Clear(_bits);

    private static void Probe(int hash, out ulong h1, out ulong h2)
    {
        // SplitMix64's finalizer: every input bit reaches every output bit, so the two halves are independent enough.
        ulong x = (ulong)(uint)hash + 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        h1 = x;
        h2 = (x >> 32) | 1; // odd: the probes never repeat within the filter
    }
}

using System.Numerics;

namespace Asherah.Caching;

/// <summary>
/// TinyLFU's approximate access history: a count-min sketch of 4-bit counters behind a <see cref="Doorkeeper"/>, aged
/// by halving every counter once a sample of accesses has been recorded.
/// </summary>
/// <remarks>
/// <code>
/// table    := 2^k longs of 16 nibbles, 16 × 2^k ≥ CountersPerEntry × capacity
/// counter i of key h (i = 0..3): nibble (start + i) of long index(h, i),  start := 4 × (h mod 4)
/// index(h, i) := ((h + seed_i) × seed_i, folded to 32 bits) mod 2^k      (as Caffeine's FrequencySketch)
/// increment(h):  first time since the last reset → the doorkeeper only; else +1 on the smallest of the 4 counters
///                that are below 15 (conservative update: counters of other keys inflate less)
/// estimate(h)  := min of the 4 counters + (1 if the doorkeeper holds h)
/// every SampleSize increments: counters halve, the doorkeeper clears, the sample count halves
/// </code>
/// A key's estimate is never below the number of its increments since the last reset, up to 16 (count-min only
/// overestimates; hash collisions add, never subtract). Not thread-safe: the cache's policy lock guards it.
/// </remarks>
internal sealed class FrequencySketch
{
    /// <summary>The largest estimate: a saturated counter (15) plus the doorkeeper's one.</summary>
    public const int MaximumFrequency = 16;

    private const long ResetMask = 0x7777777777777777L;

    private static readonly ulong[] Seeds = [0xc3a5c85c97cb3127UL, 0xb492b66fbe98f273UL, 0x9ae16a3b2f90404fUL, 0xcbf29ce484222325UL];

    private readonly long[] _table;
    private readonly int _tableMask;
    private readonly Doorkeeper _doorkeeper;
    private int _samples;

    /// <param name="capacity">Entries of the cache the sketch serves.</param>
    /// <param name="countersPerEntry">Counters per cache entry (the width; rounded up to a power of two in all).</param>
    /// <param name="samplesPerEntry">Increments per cache entry between two halvings (the aging period).</param>
    /// <param name="doorkeeperBits">Doorkeeper bits per increment of a sample period.</param>
    public FrequencySketch(int capacity, int countersPerEntry = 16, int samplesPerEntry = 10, int doorkeeperBits = 8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(countersPerEntry, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(samplesPerEntry, 1);
        long longs = Math.Max(1, ((long)capacity * countersPerEntry + 15) / 16);
        longs = Math.Min((long)BitOperations.RoundUpToPowerOf2((ulong)longs), 1L << 30);
        _table = new long[longs];
        _tableMask = (int)(longs - 1);
        SampleSize = (int)Math.Clamp((long)capacity * samplesPerEntry, 16, int.MaxValue / 2);
        _doorkeeper = new Doorkeeper(SampleSize, doorkeeperBits);
    }

    /// <summary>Increments between two halvings.</summary>
    public int SampleSize { get; }

    /// <summary>Halvings so far (for tests).</summary>
    public int Resets { get; private set; }

    /// <summary>Records one access to the key of hash <paramref name="hash"/>.</summary>
    public void Increment(int hash)
    {
        if (_doorkeeper.Add(hash))
        {
            int h = Spread(hash);
            int start = (h & 3) << 2;
            int i0 = IndexOf(h, 0), i1 = IndexOf(h, 1), i2 = IndexOf(h, 2), i3 = IndexOf(h, 3);
            int c0 = Counter(i0, start), c1 = Counter(i1, start + 1), c2 = Counter(i2, start + 2), c3 = Counter(i3, start + 3);
            int min = Math.Min(Math.Min(c0, c1), Math.Min(c2, c3));
            if (min < 15)
            {
                // Conservative update: raise only the counters at the minimum; the others already overcount this key.
                IncrementIf(i0, start, c0 == min);
                IncrementIf(i1, start + 1, c1 == min);
                IncrementIf(i2, start + 2, c2 == min);
                IncrementIf(i3, start + 3, c3 == min);
            }
        }

        if (++_samples >= SampleSize)
        {
            Reset();
        }
    }

    /// <summary>The estimated accesses to the key of hash <paramref name="hash"/> (0 to <see cref="MaximumFrequency"/>).</summary>
    public int Frequency(int hash)
    {
        int h = Spread(hash);
        int start = (h & 3) << 2;
        int min = Counter(IndexOf(h, 0), start);
        min = Math.Min(min, Counter(IndexOf(h, 1), start + 1));
        min = Math.Min(min, Counter(IndexOf(h, 2), start + 2));
        min = Math.Min(min, Counter(IndexOf(h, 3), start + 3));
        return _doorkeeper.Contains(hash) ? min + 1 : min;
    }

    /// <summary>Ages the history: every counter halves (rounding down), the doorkeeper forgets, the sample halves.</summary>
    public void Reset()
    {
        for (int i = 0; i < _table.Length; i++)
        {
            _table[i] = (long)((ulong)_table[i] >> 1) & ResetMask;
        }

        _doorkeeper.Clear();
        _samples /= 2;
        Resets++;
    }

    private static int Spread(int x)
    {
        uint h = (uint)x;
        h = ((h >> 16) ^ h) * 0x45d9f3b;
        h = ((h >> 16) ^ h) * 0x45d9f3b;
        return (int)((h >> 16) ^ h);
    }

    private int IndexOf(int h, int i)
    {
        ulong hash = ((ulong)(uint)h + Seeds[i]) * Seeds[i];
        hash += hash >> 32;
        return (int)hash & _tableMask;
    }

    private int Counter(int index, int nibble) => (int)((ulong)_table[index] >> (nibble << 2)) & 0xF;

    private void IncrementIf(int index, int nibble, bool condition)
    {
        if (condition)
        {
            _table[index] += 1L << (nibble << 2);
        }
    }
}

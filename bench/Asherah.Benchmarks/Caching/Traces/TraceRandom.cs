namespace Asherah.Benchmarks.Caching.Traces;

/// <summary>
/// A seeded pseudo-random generator (SplitMix64) whose sequence is fixed by its seed alone, on every runtime version,
/// so a trace is the same on every machine and in every run.
/// </summary>
/// <remarks><see cref="Random"/> with a seed is deterministic too, but its algorithm is not a documented contract.</remarks>
internal sealed class TraceRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform double in [0, 1), from the top 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, <paramref name="bound"/>), without modulo bias (Lemire's method).</summary>
    public int NextInt(int bound)
    {
        if (bound <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "The bound must be positive.");
        }

        ulong range = (ulong)bound;
        ulong threshold = (0UL - range) % range;
        while (true)
        {
            UInt128 product = (UInt128)NextUInt64() * range;
            if ((ulong)product >= threshold)
            {
                return (int)(ulong)(product >> 64);
            }
        }
    }

    /// <summary>A random permutation of 0 … <paramref name="count"/> − 1 (Fisher–Yates).</summary>
    public int[] Permutation(int count)
    {
        var permutation = new int[count];
        for (int i = 0; i < count; i++)
        {
            permutation[i] = i;
        }

        for (int i = count - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (permutation[i], permutation[j]) = (permutation[j], permutation[i]);
        }

        return permutation;
    }
}

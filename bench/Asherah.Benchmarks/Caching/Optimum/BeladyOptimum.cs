namespace Asherah.Benchmarks.Caching.Optimum;

/// <summary>
/// The most hits any cache of a given capacity can score on a trace: Belady's MIN (OPT), which on a miss evicts the
/// cached key used again furthest in the future.
/// </summary>
/// <remarks>
/// <para>
/// O(n log k) for n accesses and capacity k: next-use indices are computed in one backward pass, and the cached keys
/// sit in an indexed max-heap keyed by their next use (<see cref="NextUseHeap"/>); a hit moves the key's next use
/// forward (a sift in the heap), a miss replaces the root.
/// </para>
/// <para>
/// With <c>allowBypass</c> (the default of the benchmark) a missed key is cached only if it is used again sooner than
/// the furthest cached key, which is the optimum over all policies, admission filters (TinyLFU) included. Without it
/// every missed key must be cached (demand paging), the bound for policies that always admit; it is never higher.
/// </para>
/// </remarks>
internal static class BeladyOptimum
{
    /// <summary>"Never used again": larger than every index.</summary>
    internal const int Never = int.MaxValue;

    /// <summary>Hits of the optimal cache of <paramref name="capacity"/> keys on <paramref name="trace"/>.</summary>
    /// <param name="trace">Keys in [0, <paramref name="keySpace"/>).</param>
    /// <param name="keySpace">One more than the largest key.</param>
    /// <param name="capacity">Keys the cache holds, at least 1.</param>
    /// <param name="allowBypass">Whether a missed key may be left uncached.</param>
    public static long Hits(ReadOnlySpan<int> trace, int keySpace, int capacity, bool allowBypass = true)
    {
        if (capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity must be at least one key.");
        }

        int[] nextUse = NextUses(trace, keySpace);
        var heap = new NextUseHeap(Math.Min(capacity, keySpace), keySpace);
        long hits = 0;
        for (int i = 0; i < trace.Length; i++)
        {
            int key = trace[i];
            int next = nextUse[i];
            if (heap.Contains(key))
            {
                hits++;
                heap.MoveLater(key, next);
                continue;
            }

            if (heap.Count < capacity)
            {
                if (!allowBypass || next != Never)
                {
                    heap.Add(key, next);
                }

                continue;
            }

            if (allowBypass && next >= heap.FurthestNextUse)
            {
                continue;
            }

            heap.ReplaceFurthest(key, next);
        }

        return hits;
    }

    /// <summary>For each access, the index of the next access to the same key, or <see cref="Never"/>.</summary>
    internal static int[] NextUses(ReadOnlySpan<int> trace, int keySpace)
    {
        var nextUse = new int[trace.Length];
        var upcoming = new int[keySpace];
        Array.Fill(upcoming, Never);
        for (int i = trace.Length - 1; i >= 0; i--)
        {
            int key = trace[i];
            if ((uint)key >= (uint)keySpace)
            {
                throw new ArgumentOutOfRangeException(nameof(trace), key, FormattableString.Invariant($"Access {i} has key {key}, outside [0, {keySpace})."));
            }

            nextUse[i] = upcoming[key];
            upcoming[key] = i;
        }

        return nextUse;
    }
}

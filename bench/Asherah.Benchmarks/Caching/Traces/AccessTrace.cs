namespace Asherah.Benchmarks.Caching.Traces;

/// <summary>A sequence of key accesses to replay through a cache: keys are integers in [0, <see cref="KeySpace"/>).</summary>
/// <param name="Name">Short name for tables (<c>zipf-1.0</c>).</param>
/// <param name="Description">What the trace models, with its parameters.</param>
/// <param name="Keys">The accesses, in order.</param>
/// <param name="KeySpace">One more than the largest key, so per-key arrays can be indexed by key.</param>
internal sealed record AccessTrace(string Name, string Description, int[] Keys, int KeySpace)
{
    /// <summary>Number of accesses.</summary>
    public int Length => Keys.Length;

    /// <summary>Number of distinct keys accessed (the compulsory misses of any cache).</summary>
    public int DistinctKeys()
    {
        var seen = new bool[KeySpace];
        int distinct = 0;
        foreach (int key in Keys)
        {
            if (!seen[key])
            {
                seen[key] = true;
                distinct++;
            }
        }

        return distinct;
    }
}

namespace Asherah.Caching;

/// <summary>The tuning of <see cref="WindowTinyLfuCache{TKey, TValue}"/> (internal: tests and the hit-rate benchmark vary it).</summary>
/// <param name="WindowPercent">The window LRU's share of the capacity, in percent (at least one entry).</param>
/// <param name="ProtectedPercent">The protected segment's share of the main space, in percent.</param>
/// <param name="CountersPerEntry">Sketch counters per cache entry.</param>
/// <param name="SamplesPerEntry">Sketch increments per cache entry between two halvings.</param>
/// <param name="DoorkeeperBits">Doorkeeper bits per increment of a sample period.</param>
/// <param name="ClimbWindow">Whether hill climbing moves the window's share to where the hit rate improves.</param>
internal readonly record struct TinyLfuSettings(
    int WindowPercent,
    int ProtectedPercent,
    int CountersPerEntry,
    int SamplesPerEntry,
    int DoorkeeperBits,
    bool ClimbWindow)
{
    /// <summary>The tuning measured by the hit-rate benchmark (see <see cref="WindowTinyLfuCache{TKey, TValue}"/>).</summary>
    public static TinyLfuSettings Default { get; } = new(
        Env("TLFU_WINDOW", 1),
        Env("TLFU_PROTECTED", 80),
        Env("TLFU_COUNTERS", 16),
        Env("TLFU_SAMPLES", 80),
        Env("TLFU_DOORKEEPER", 8),
        Env("TLFU_CLIMB", 1) != 0);

    private static int Env(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out int value) ? value : fallback;
}

namespace Asherah;

/// <summary>
/// Shrinking the intermediate-key and session caches when the process nears its memory limit or its locked-memory
/// limit, instead of failing key allocations, and growing them back when the pressure is gone.
/// </summary>
/// <remarks>
/// <para>
/// Off by default (<see cref="Enabled"/>). When on, each <see cref="SessionFactory"/> samples every
/// <see cref="CheckInterval"/> (default 10 seconds):
/// </para>
/// <list type="bullet">
/// <item><description>memory load: the GC's last reading of the memory in use (<c>GCMemoryInfo.MemoryLoadBytes</c>) as a
/// fraction of the memory the process may use (<c>TotalAvailableMemoryBytes</c>, which honours container limits); under
/// pressure at or above <see cref="MemoryLoadThreshold"/> (default 0.9, the GC's own high-load level);</description></item>
/// <item><description>locked memory: the bytes Asherah holds locked (<see cref="SecureMemoryStatistics.LockedBytes"/>) as a
/// fraction of <c>RLIMIT_MEMLOCK</c>; under pressure at or above <see cref="LockedMemoryThreshold"/> (default 0.9)
/// while it still grows (locked chunks are kept and their slots reused, so a high but steady figure means the cache
/// lives in what it already has). No limit, no pressure.</description></item>
/// </list>
/// <para>
/// Under pressure each watched cache (the factory-wide intermediate-key cache when
/// <see cref="CryptoPolicy.SharedIntermediateKeyCache"/> is on, and the session cache, whose evicted sessions take their
/// own intermediate keys with them) halves: its capacity becomes half of what it holds now (or of its capacity, if
/// smaller), never below <see cref="MinimumCacheSize"/>, evicting in its policy's order. Once no reading has shown
/// pressure for <see cref="RecoveryDelay"/> (default 1 minute), capacities double at each check until they are back at
/// the configured maximum sizes. A <see cref="CacheEvictionPolicy.Simple"/> cache is trimmed instead (it has no capacity
/// to lower) and grows freely again. With neither a shared intermediate-key cache nor a session cache there is nothing
/// to shrink (per-session key caches live and die with their sessions) and the policy changes nothing. The system-key
/// cache is never shrunk: it holds a few keys that every operation needs.
/// </para>
/// <para>
/// Besides the timer, a refused secure-memory allocation (the locked-memory limit reached, or no memory) makes the
/// factory halve the caches at once and retry the allocation once; only if that fails too does the operation fail with
/// <see cref="SecureMemoryException"/>, as without this policy. Each shrink and growth is logged (event 11 and 12) and
/// counted (<c>asherah.cache.resizes</c>, tags <c>tier</c> and <c>direction</c>); <c>asherah.cache.capacity</c> reports
/// the capacity in force per tier. Cache hits never look at any of this.
/// </para>
/// </remarks>
public sealed class MemoryPressureOptions
{
    private TimeSpan _checkInterval = TimeSpan.FromSeconds(10);
    private TimeSpan _recoveryDelay = TimeSpan.FromMinutes(1);
    private double _memoryLoadThreshold = 0.9;
    private double _lockedMemoryThreshold = 0.9;
    private int _minimumCacheSize = 100;

    /// <summary>Whether caches shrink under memory pressure. Default <see langword="false"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>How often memory is sampled. Default 10 seconds; must be positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan CheckInterval
    {
        get => _checkInterval;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _checkInterval = value;
        }
    }

    /// <summary>How long no pressure must have been seen before capacities start growing back. Default 1 minute; zero or more.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan RecoveryDelay
    {
        get => _recoveryDelay;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _recoveryDelay = value;
        }
    }

    /// <summary>The memory load, as a fraction of the memory available to the process, at which caches shrink. Default 0.9; above 0, at most 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not above 0 and at most 1.</exception>
    public double MemoryLoadThreshold
    {
        get => _memoryLoadThreshold;
        set => _memoryLoadThreshold = CheckFraction(value);
    }

    /// <summary>The locked bytes, as a fraction of <c>RLIMIT_MEMLOCK</c>, at which growing locked memory makes caches shrink. Default 0.9; above 0, at most 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not above 0 and at most 1.</exception>
    public double LockedMemoryThreshold
    {
        get => _lockedMemoryThreshold;
        set => _lockedMemoryThreshold = CheckFraction(value);
    }

    /// <summary>
    /// The fewest entries a cache is shrunk to (or its maximum size, when that is smaller). Default 100; at least 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MinimumCacheSize
    {
        get => _minimumCacheSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _minimumCacheSize = value;
        }
    }

    /// <summary>A copy, so that a factory's settings cannot change under it.</summary>
    internal MemoryPressureOptions Clone() => (MemoryPressureOptions)MemberwiseClone();

    private static double CheckFraction(double value)
    {
        if (!(value > 0 && value <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A fraction above 0 and at most 1 is required.");
        }

        return value;
    }
}

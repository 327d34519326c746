using Asherah.Caching;
using Asherah.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Asherah.KeyManagement;

/// <summary>
/// One per <see cref="SessionFactory"/> with <see cref="MemoryPressureOptions.Enabled"/>: shrinks the caches it watches
/// under memory pressure and grows them back when the pressure is gone (the policy is <see cref="MemoryPressureOptions"/>'s).
/// </summary>
/// <remarks>
/// <code>
/// every CheckInterval (TimeProvider timer):
///   reading := source.Read()
///   pressure := locked_memory   if limit known ∧ locked ≥ LockedMemoryThreshold × limit ∧ locked &gt; locked at the last check
///             | gc_memory_load  if load ≥ MemoryLoadThreshold
///   pressure → shrink every cache;  none for RecoveryDelay → grow every cache
/// on a refused allocation (PressureRelievingAllocator): shrink every cache (allocation_refused), unless another
///   refusal already did since the caller's attempt began (Generation), then the caller retries once
/// shrink: capacity := max(min(MinimumCacheSize, MaximumCapacity), min(Capacity, Count) / 2)   (simple: trim to it)
/// grow:   capacity := min(MaximumCapacity, 2 × Capacity)
/// </code>
/// Decisions are made under one lock, so concurrent refusals halve once rather than once each. Evictions run on the
/// deciding thread (the timer's or the refused allocation's), through the caches' eviction callbacks, as capacity
/// evictions do. The monitor holds the caches; cache hits never read it.
/// </remarks>
internal sealed class MemoryPressureMonitor : IDisposable
{
    private static readonly TimeSpan MaxTimerPeriod = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    public const string GcMemoryLoad = "gc_memory_load";
    public const string LockedMemory = "locked_memory";
    public const string AllocationRefused = "allocation_refused";

    private readonly MemoryPressureOptions _options;
    private readonly IMemoryPressureSource _source;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _sync = new();
    private readonly List<Watched> _caches = [];
    private ITimer? _timer;
    private long _lastLocked;
    private long _lastPressure;
    private int _generation;
    private bool _disposed;

    public MemoryPressureMonitor(MemoryPressureOptions options, IMemoryPressureSource source, TimeProvider time, ILogger logger)
    {
        _options = options;
        _source = source;
        _time = time;
        _logger = logger;
    }

    /// <summary>Counts the shrinks so far: a refused allocation that saw an older value knows another thread already shrank.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>The capacity in force of every watched cache, by tier (for the gauge, tests and diagnostics).</summary>
    public IReadOnlyList<(string Tier, int Capacity)> Capacities
    {
        get
        {
            lock (_sync)
            {
                return [.. _caches.Select(static w => (w.Metrics.Tier, w.Cache.Capacity))];
            }
        }
    }

    /// <summary>Adds a cache to shrink and grow; its tier names it in logs and metrics.</summary>
    public void Watch<TKey, TValue>(CacheTierMetrics metrics, IBoundedCache<TKey, TValue> cache)
        where TKey : notnull
    {
        lock (_sync)
        {
            _caches.Add(new Watched(metrics, new ResizableCache<TKey, TValue>(cache)));
        }
    }

    /// <summary>Takes a first reading and starts sampling every <see cref="MemoryPressureOptions.CheckInterval"/>.</summary>
    public void Start()
    {
        lock (_sync)
        {
            if (_disposed || _timer is not null)
            {
                return;
            }

            _lastLocked = _source.Read().LockedBytes;
            _lastPressure = _time.GetTimestamp();
            // Timers take at most 2^32 − 2 ms (about 49.7 days): a longer interval samples that often.
            var period = _options.CheckInterval < MaxTimerPeriod ? _options.CheckInterval : MaxTimerPeriod;
            _timer = _time.CreateTimer(static state => ((MemoryPressureMonitor)state!).Check(), this, period, period);
        }
    }

    /// <summary>One sample: shrink under pressure, grow after <see cref="MemoryPressureOptions.RecoveryDelay"/> without it.</summary>
    public void Check()
    {
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            var reading = _source.Read();
            string? reason = null;
            if (reading.LockLimit is long limit && limit > 0
                && reading.LockedBytes >= _options.LockedMemoryThreshold * limit
                && reading.LockedBytes > _lastLocked)
            {
                reason = LockedMemory;
            }
            else if (reading.MemoryLoad >= _options.MemoryLoadThreshold)
            {
                reason = GcMemoryLoad;
            }

            _lastLocked = reading.LockedBytes;
            long now = _time.GetTimestamp();
            if (reason is not null)
            {
                _lastPressure = now;
                Shrink(reason);
            }
            else if (_time.GetElapsedTime(_lastPressure, now) >= _options.RecoveryDelay)
            {
                Grow();
            }
        }
    }

    /// <summary>
    /// Shrinks the caches after a refused allocation, unless a shrink happened since <paramref name="generation"/> was
    /// read. Returns whether a retry may succeed: something was shrunk now or since.
    /// </summary>
    public bool Relieve(int generation)
    {
        lock (_sync)
        {
            if (_disposed)
            {
                return false;
            }

            if (_generation != generation)
            {
                return true;
            }

            _lastPressure = _time.GetTimestamp();
            return Shrink(AllocationRefused);
        }
    }

    public void Dispose()
    {
        lock (_sync)
        {
            _disposed = true;
            _timer?.Dispose();
            _caches.Clear();
        }
    }

    /// <summary>Halves every cache toward its floor (under the lock); true when any gave up capacity or entries.</summary>
    private bool Shrink(string reason)
    {
        bool any = false;
        foreach (var (metrics, cache) in _caches)
        {
            int capacity = cache.Capacity;
            int count = cache.Count;
            int floor = Math.Min(_options.MinimumCacheSize, cache.MaximumCapacity);
            int target = Math.Max(floor, Math.Min(capacity, count) / 2);
            if (target >= capacity)
            {
                continue;
            }

            int inForce = cache.Resize(target);
            int left = cache.Count;

            // A cache that cannot lower its capacity (simple) was trimmed to the target instead.
            bool trimmed = inForce > target;
            if (!trimmed || left < count)
            {
                any = true;
                metrics.Resized(shrink: true);
                Log.CacheShrunk(_logger, metrics.Tier, trimmed ? count : capacity, target, reason, left);
            }
        }

        Interlocked.Increment(ref _generation);
        return any;
    }

    /// <summary>Doubles every shrunk cache toward its maximum (under the lock).</summary>
    private void Grow()
    {
        foreach (var (metrics, cache) in _caches)
        {
            int capacity = cache.Capacity;
            if (capacity >= cache.MaximumCapacity)
            {
                continue;
            }

            int grown = cache.Resize((int)Math.Min(cache.MaximumCapacity, capacity * 2L));
            metrics.Resized(shrink: false);
            Log.CacheGrown(_logger, metrics.Tier, capacity, grown);
        }
    }

    private readonly record struct Watched(CacheTierMetrics Metrics, IResizable Cache);

    /// <summary>The sizing part of an <see cref="IBoundedCache{TKey, TValue}"/>, without its types.</summary>
    private interface IResizable
    {
        int Count { get; }

        int Capacity { get; }

        int MaximumCapacity { get; }

        int Resize(int capacity);
    }

    private sealed class ResizableCache<TKey, TValue>(IBoundedCache<TKey, TValue> cache) : IResizable
        where TKey : notnull
    {
        public int Count => cache.Count;

        public int Capacity => cache.Capacity;

        public int MaximumCapacity => cache.MaximumCapacity;

        public int Resize(int capacity) => cache.Resize(capacity);
    }
}

using System.Collections.Concurrent;
using Asherah.Caching;
using Asherah.Diagnostics;
using Asherah.Envelope;
using Asherah.KeyManagement;
using Microsoft.Extensions.Logging;

namespace Asherah;

/// <summary>
/// Cached per-partition envelopes (with their intermediate keys), shared by the sessions of one factory, in a bounded
/// cache of the policy's <see cref="CryptoPolicy.SessionCacheEvictionPolicy"/> over <see cref="CryptoPolicy.SessionCacheMaxSize"/>.
/// </summary>
/// <remarks>
/// An envelope is disposed only when no session holds it: an entry the policy evicts (or that was idle longer than the
/// session expiration) while sessions use it leaves the cache at once and is
/// disposed when its last user releases it, unless an acquire of its partition takes it back into the cache first
/// (one envelope per partition). Disposing the cache disposes every envelope, in use or not (the factory
/// is going away and wipes its keys). Idle entries are swept at most once a minute (O(n)); capacity eviction is the
/// policy's, O(1).
/// </remarks>
internal sealed class SessionCache : IDisposable
{
    private readonly IBoundedCache<string, Entry> _entries;

    // Every envelope not yet disposed, cached or evicted-in-use: how Release finds its entry without touching the
    // policy (a lookup there would count as a hit).
    private readonly ConcurrentDictionary<EnvelopeEncryption, Entry> _live = new(ReferenceEqualityComparer.Instance);
    // Entries evicted while in use, by partition: a new acquire of the partition takes the envelope back into the cache
    // rather than making a second one (so a held session keeps its partition's keys warm for everyone).
    private readonly ConcurrentDictionary<string, Entry> _evictedInUse = new(StringComparer.Ordinal);
    private readonly Func<string, EnvelopeEncryption> _create;
    private readonly long _idleTicks;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CacheTierMetrics _metrics;
    private long _nextSweep;
    private volatile bool _disposed;

    public SessionCache(Func<string, EnvelopeEncryption> create, CryptoPolicy policy, TimeProvider time, ILogger logger, CacheTierMetrics metrics)
    {
        _create = create;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _idleTicks = policy.SessionCacheExpiration == TimeSpan.MaxValue
            ? long.MaxValue
            : (long)Math.Min(long.MaxValue, policy.SessionCacheExpiration.TotalSeconds * time.TimestampFrequency);
        _nextSweep = time.GetTimestamp() + SweepInterval();
        _entries = BoundedCache.Create<string, Entry>(policy.SessionCacheEvictionPolicy, policy.SessionCacheMaxSize, OnEvicted, StringComparer.Ordinal);
    }

    /// <summary>Sessions in the cache (not counting evicted ones still in use).</summary>
    public int Count => _entries.Count;

    /// <summary>Most sessions the cache keeps (the policy's size, as the eviction policy honours it).</summary>
    public int Capacity => _entries.Capacity;

    /// <summary>Lets <paramref name="monitor"/> shrink and grow this cache under memory pressure.</summary>
    public void WatchMemoryPressure(MemoryPressureMonitor monitor) => monitor.Watch(_metrics, _entries);

    /// <summary>Envelopes not yet disposed: cached, or evicted and still in use (for tests).</summary>
    internal int LiveCount => _live.Count;

    public bool IsDisposed => _disposed;

    /// <summary>Whether the cache holds <paramref name="envelope"/> (O(n): for tests).</summary>
    internal bool Holds(EnvelopeEncryption envelope) => _entries.Snapshot().Any(p => p.Value.Envelope == envelope);

    /// <summary>The envelope for a partition, counted as in use until <see cref="Release"/>.</summary>
    public EnvelopeEncryption Acquire(string partitionId)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_entries.TryGet(partitionId, out var entry))
            {
                _metrics.Hit();
            }
            else if (TryRevive(partitionId) is { } revived)
            {
                _metrics.Hit();
                entry = revived;
            }
            else
            {
                entry = new Entry(partitionId, _create(partitionId), _time.GetTimestamp());
                _live[entry.Envelope] = entry;
                if (!_entries.TryAdd(partitionId, entry))
                {
                    // Another thread cached this partition first (or the cache was disposed): use theirs.
                    Discard(entry);
                    continue;
                }

                _metrics.Miss();
            }

            lock (entry)
            {
                if (entry.Evicted)
                {
                    continue;
                }

                entry.Users++;
            }

            if (_disposed)
            {
                // Dispose raced with this acquire; make sure nothing survives it.
                Dispose();
                throw new ObjectDisposedException(nameof(SessionCache));
            }

            SweepIfDue();
            return entry.Envelope;
        }
    }

    public void Release(EnvelopeEncryption envelope)
    {
        if (!_live.TryGetValue(envelope, out var entry))
        {
            return;
        }

        bool dispose;
        lock (entry)
        {
            entry.Users--;
            entry.LastUsed = _time.GetTimestamp();
            dispose = entry.Evicted && entry.Users == 0;
        }

        if (dispose)
        {
            Discard(entry);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _entries.Dispose();
        foreach (var entry in _live.Values)
        {
            lock (entry)
            {
                entry.Evicted = true;
            }

            Discard(entry);
        }
    }

    private static long Elapsed(long from, long to) => to - from;

    /// <summary>Puts back into the cache the entry of a partition that was evicted while in use, if it still is.</summary>
    private Entry? TryRevive(string partitionId)
    {
        if (!_evictedInUse.TryRemove(partitionId, out var held))
        {
            return null;
        }

        lock (held)
        {
            if (held.Users == 0 || _disposed)
            {
                return null;
            }

            held.Evicted = false;
        }

        if (_entries.TryAdd(partitionId, held))
        {
            return held;
        }

        // Another thread cached a new entry for the partition meanwhile: this one stays evicted.
        OnEvicted(partitionId, held);
        return null;
    }

    private long SweepInterval() => Math.Min(_idleTicks, _time.TimestampFrequency * 60);

    /// <summary>The policy dropped an entry (or the cache is being disposed): dispose it now, or when its last user lets go.</summary>
    private void OnEvicted(string partitionId, Entry entry)
    {
        bool dispose;
        lock (entry)
        {
            entry.Evicted = true;
            dispose = entry.Users == 0 || _disposed;
            if (!dispose)
            {
                _evictedInUse[partitionId] = entry;
            }
        }

        if (!_disposed)
        {
            _metrics.Evicted();
        }

        if (dispose)
        {
            Discard(entry);
        }
    }

    private void Discard(Entry entry)
    {
        _evictedInUse.TryRemove(new KeyValuePair<string, Entry>(entry.PartitionId, entry));
        if (_live.TryRemove(new KeyValuePair<EnvelopeEncryption, Entry>(entry.Envelope, entry)))
        {
            entry.Envelope.Dispose();
        }
    }

    private void SweepIfDue()
    {
        long now = _time.GetTimestamp();
        long due = Volatile.Read(ref _nextSweep);
        if (now < due || _idleTicks == long.MaxValue || Interlocked.CompareExchange(ref _nextSweep, now + SweepInterval(), due) != due)
        {
            return;
        }

        foreach (var (partitionId, entry) in _entries.Snapshot())
        {
            long idle;
            lock (entry)
            {
                idle = Elapsed(entry.LastUsed, now);
                if (entry.Users != 0 || entry.Evicted || idle < _idleTicks)
                {
                    continue;
                }

                entry.Evicted = true;
            }

            if (_entries.TryRemove(partitionId, out var removed) && removed != entry)
            {
                // A newer entry replaced the expired one meanwhile; it goes too, as if evicted.
                OnEvicted(partitionId, removed);
            }

            _metrics.Evicted();
            Discard(entry);
            Log.SessionEvicted(_logger, idle / (double)_time.TimestampFrequency);
        }
    }

    private sealed class Entry(string partitionId, EnvelopeEncryption envelope, long created)
    {
        public string PartitionId { get; } = partitionId;

        public EnvelopeEncryption Envelope { get; } = envelope;

        /// <summary>Sessions holding the envelope (under the entry's lock).</summary>
        public int Users { get; set; }

        /// <summary>When the last user released it, timestamp ticks (under the entry's lock).</summary>
        public long LastUsed { get; set; } = created;

        /// <summary>Whether it left the cache; set once, under the entry's lock.</summary>
        public bool Evicted { get; set; }
    }
}

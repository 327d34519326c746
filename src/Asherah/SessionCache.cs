using System.Collections.Concurrent;
using Asherah.Diagnostics;
using Asherah.Envelope;
using Asherah.KeyManagement;
using Microsoft.Extensions.Logging;

namespace Asherah;

/// <summary>
/// Cached per-partition envelopes (with their intermediate keys), shared by the sessions of one factory.
/// </summary>
/// <remarks>
/// An entry in use by any session is never evicted or disposed. Unused entries go when they have been idle longer than
/// the policy's session expiration, or, oldest first, when more than the maximum are cached.
/// </remarks>
internal sealed class SessionCache : IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Func<string, EnvelopeEncryption> _create;
    private readonly int _maxSize;
    private readonly long _idleTicks;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _nextSweep;
    private volatile bool _disposed;

    public SessionCache(Func<string, EnvelopeEncryption> create, CryptoPolicy policy, TimeProvider time, ILogger logger)
    {
        _create = create;
        _maxSize = policy.SessionCacheMaxSize;
        _time = time;
        _logger = logger;
        _idleTicks = policy.SessionCacheExpiration == TimeSpan.MaxValue
            ? long.MaxValue
            : (long)Math.Min(long.MaxValue, policy.SessionCacheExpiration.TotalSeconds * time.TimestampFrequency);
        _nextSweep = time.GetTimestamp() + Math.Min(_idleTicks, time.TimestampFrequency * 60);
    }

    public int Count => _entries.Count;

    public bool IsDisposed => _disposed;

    /// <summary>The envelope for a partition, counted as in use until <see cref="Release"/>.</summary>
    public EnvelopeEncryption Acquire(string partitionId)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_entries.TryGetValue(partitionId, out var entry))
            {
                var created = new Entry(_create(partitionId));
                entry = _entries.GetOrAdd(partitionId, created);
                if (entry != created)
                {
                    created.Envelope.Dispose();
                }
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

            Trim();
            return entry.Envelope;
        }
    }

    public void Release(EnvelopeEncryption envelope)
    {
        if (!_entries.TryGetValue(envelope.Partition.PartitionId, out var entry) || entry.Envelope != envelope)
        {
            return;
        }

        lock (entry)
        {
            entry.Users--;
            entry.LastUsed = _time.GetTimestamp();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var pair in _entries)
        {
            lock (pair.Value)
            {
                pair.Value.Evicted = true;
            }

            if (_entries.TryRemove(pair))
            {
                pair.Value.Envelope.Dispose();
            }
        }
    }

    private void Trim()
    {
        long now = _time.GetTimestamp();
        bool sweep = now >= Volatile.Read(ref _nextSweep);
        if (!sweep && _entries.Count <= _maxSize)
        {
            return;
        }

        Volatile.Write(ref _nextSweep, now + Math.Min(_idleTicks, _time.TimestampFrequency * 60));
        var idle = new List<(string Key, Entry Entry, long LastUsed)>();
        foreach (var (key, entry) in _entries)
        {
            if (entry.Users == 0)
            {
                idle.Add((key, entry, entry.LastUsed));
            }
        }

        idle.Sort(static (a, b) => a.LastUsed.CompareTo(b.LastUsed));
        int excess = _entries.Count - _maxSize;
        foreach (var (key, entry, lastUsed) in idle)
        {
            bool expired = _idleTicks != long.MaxValue && now - lastUsed >= _idleTicks;
            if (!expired && excess <= 0)
            {
                continue;
            }

            if (TryEvict(key, entry))
            {
                excess--;
                Log.SessionEvicted(_logger, (now - lastUsed) / (double)_time.TimestampFrequency);
            }
        }
    }

    private bool TryEvict(string key, Entry entry)
    {
        lock (entry)
        {
            if (entry.Users != 0 || entry.Evicted)
            {
                return false;
            }

            entry.Evicted = true;
        }

        _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
        entry.Envelope.Dispose();
        return true;
    }

    private sealed class Entry(EnvelopeEncryption envelope)
    {
        public EnvelopeEncryption Envelope { get; } = envelope;

        public int Users { get; set; }

        public long LastUsed { get; set; }

        public bool Evicted { get; set; }
    }
}

using Asherah.Diagnostics;
using Asherah.Envelope;
using Asherah.Errors;
using Asherah.Internal;
using Asherah.KeyManagement;

namespace Asherah;

/// <summary>
/// The entry point: holds the system keys of one service and product, and hands out sessions per partition.
/// </summary>
/// <remarks>
/// Build one per (product, service) with <see cref="NewBuilder"/> and keep it for the life of the process; it is
/// thread-safe. Disposing it wipes every cached key and disposes what the builder created for it (a static KMS made
/// by <see cref="SessionFactoryBuilder.WithStaticKeyManagementService"/>); a metastore or KMS passed in stays the
/// caller's.
/// </remarks>
public sealed class SessionFactory : IDisposable, IAsyncDisposable
{
    private readonly KeyContext _context;
    private readonly SystemKeyRing _systemKeys;
    private readonly SessionCache? _sessions;
    private readonly IDisposable? _ownedKms;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<EnvelopeEncryption, byte> _uncached = new(ReferenceEqualityComparer.Instance);
    private readonly string _serviceId;
    private readonly string _productId;
    private volatile bool _disposed;

    internal SessionFactory(string productId, string serviceId, KeyContext context, IDisposable? ownedKms)
    {
        _productId = productId;
        _serviceId = serviceId;
        _ownedKms = ownedKms;
        _context = context;
        WarnOnUnderscore(context, "product", productId);
        WarnOnUnderscore(context, "service", serviceId);
        _systemKeys = new SystemKeyRing(context, new Partition(string.Empty, serviceId, productId, context.Metastore.KeySuffix).SystemKeyId);
        if (context.Policy.CacheSessions)
        {
            _sessions = new SessionCache(NewEnvelope, context.Policy, context.Time, context.Logger, context.Metrics.SessionCache);
            context.Metrics.ObserveSessionCache(_sessions, static sessions => sessions.IsDisposed ? null : sessions.Count);
        }

        if (context.MemoryPressure is { } monitor)
        {
            // The shared intermediate-key cache and the session cache (which takes per-session key caches with its
            // sessions) are what memory pressure shrinks; system keys are few and always needed.
            if (context.SharedIntermediateKeys is { } sharedKeys)
            {
                monitor.Watch(context.Metrics.IntermediateKeyCache, sharedKeys);
            }

            _sessions?.WatchMemoryPressure(monitor);
            context.Metrics.ObserveCacheCapacities(monitor, static m => m.Capacities);
            monitor.Start();
        }
    }

    /// <summary>The product id the factory was built with.</summary>
    public string ProductId => _productId;

    /// <summary>The service id the factory was built with.</summary>
    public string ServiceId => _serviceId;

    /// <summary>The id of this factory's system key (<c>_SK_{service}_{product}[_{suffix}]</c>).</summary>
    public string SystemKeyId => _systemKeys.KeyId;

    /// <summary>The AES-256-GCM engine in use: <see cref="AesGcmEngineKind.Intrinsics"/> or <see cref="AesGcmEngineKind.Platform"/> (never <see cref="AesGcmEngineKind.Auto"/>).</summary>
    public AesGcmEngineKind AesGcmEngine => _context.Engine.Kind;

    internal bool IsDisposed => _disposed;

    internal KeyContext Context => _context;

    internal SystemKeyRing SystemKeys => _systemKeys;

    internal SessionCache? Sessions => _sessions;

    /// <summary>Starts building a factory. Note the argument order: product, then service.</summary>
    /// <remarks>
    /// Key ids join the partition, service and product ids with <c>_</c> and no escaping, so ids containing <c>_</c> can
    /// produce another service's intermediate key ids; <see cref="SessionFactoryBuilder.Build"/> logs a warning for
    /// them. (Intermediate keys under another service's system key are never used, so such collisions fail rather than
    /// cross services.)
    /// </remarks>
    /// <exception cref="ArgumentNullException">An id is null.</exception>
    /// <exception cref="ArgumentException">An id is empty, or not well-formed UTF-16 (it has an unpaired surrogate).</exception>
    public static SessionFactoryBuilder NewBuilder(string productId, string serviceId)
    {
        ArgumentNullException.ThrowIfNull(productId);
        ArgumentNullException.ThrowIfNull(serviceId);
        if (!Utf16.IsWellFormed(productId))
        {
            throw Error.IllFormedId("product", nameof(productId));
        }

        if (!Utf16.IsWellFormed(serviceId))
        {
            throw Error.IllFormedId("service", nameof(serviceId));
        }

        return new(productId, serviceId);
    }

    /// <summary>A session for byte payloads in the partition <paramref name="partitionId"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="partitionId"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="partitionId"/> is empty, only white space, or not well-formed UTF-16 (an unpaired surrogate: two
    /// such ids can encode to the same key id).
    /// </exception>
    /// <exception cref="ObjectDisposedException">The factory has been disposed.</exception>
    public BytesSession GetSessionBytes(string partitionId)
    {
        var (envelope, shared) = Acquire(partitionId);
        return new BytesSession(this, envelope, shared);
    }

    /// <summary>A session for JSON payloads in the partition <paramref name="partitionId"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="partitionId"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="partitionId"/> is empty, only white space, or not well-formed UTF-16 (an unpaired surrogate: two
    /// such ids can encode to the same key id).
    /// </exception>
    /// <exception cref="ObjectDisposedException">The factory has been disposed.</exception>
    public JsonSession GetSessionJson(string partitionId)
    {
        var (envelope, shared) = Acquire(partitionId);
        return new JsonSession(this, envelope, shared);
    }

    /// <summary>Wipes every cached key and disposes what the factory owns (including its meter, unless it came from an IMeterFactory).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        // First: no re-check may run while the keys it would touch are wiped.
        _context.Refresher?.Dispose();
        _context.MemoryPressure?.Dispose();
        _sessions?.Dispose();
        foreach (var envelope in _uncached.Keys)
        {
            ReleaseOwned(envelope);
        }

        _context.SharedIntermediateKeys?.Dispose();
        _systemKeys.Dispose();
        _ownedKms?.Dispose();
        _context.Metrics.Dispose();
    }

    /// <inheritdoc cref="Dispose" />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    internal void ReleaseShared(EnvelopeEncryption envelope) => _sessions?.Release(envelope);

    /// <summary>Disposes the envelope of an uncached session (when the session or the factory is disposed).</summary>
    internal void ReleaseOwned(EnvelopeEncryption envelope)
    {
        _uncached.TryRemove(envelope, out _);
        envelope.Dispose();
    }

    private (EnvelopeEncryption Envelope, bool Shared) Acquire(string partitionId)
    {
        ArgumentNullException.ThrowIfNull(partitionId);
        if (partitionId.Length == 0)
        {
            throw Error.EmptyPartition(nameof(partitionId));
        }

        if (string.IsNullOrWhiteSpace(partitionId))
        {
            throw Error.WhitespacePartition(nameof(partitionId));
        }

        if (!Utf16.IsWellFormed(partitionId))
        {
            throw Error.IllFormedId("partition", nameof(partitionId));
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_sessions is not null)
        {
            return (_sessions.Acquire(partitionId), true);
        }

        // Uncached sessions' keys are tracked so that disposing the factory wipes them too.
        var envelope = NewEnvelope(partitionId);
        _uncached.TryAdd(envelope, 0);
        if (_disposed)
        {
            ReleaseOwned(envelope);
            throw new ObjectDisposedException(nameof(SessionFactory));
        }

        return (envelope, false);
    }

    private static void WarnOnUnderscore(KeyContext context, string kind, string id)
    {
        if (id.Contains('_', StringComparison.Ordinal))
        {
            Log.UnderscoreInId(context.Logger, kind, id);
        }
    }

    private EnvelopeEncryption NewEnvelope(string partitionId) =>
        new(_context, new Partition(partitionId, _serviceId, _productId, _context.Metastore.KeySuffix), _systemKeys);
}

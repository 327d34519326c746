using Asherah.Diagnostics;
using Asherah.Errors;
using Asherah.Internal;
using Asherah.Keys;

namespace Asherah.KeyManagement;

/// <summary>
/// The keys of one id (a system key id, or a partition's intermediate key id): the newest for writes, any version for
/// reads, loaded once however many callers miss at the same time.
/// </summary>
/// <remarks>
/// Write path: the newest cached key while fresh and valid; otherwise load the newest record and use it if it is
/// neither expired nor revoked; otherwise create a key with its time truncated to the minute and store it. A store that
/// loses the race (duplicate (id, created)) drops its key and loads the winner's. Read path: the exact (id, created)
/// from the cache or the metastore, whether expired or revoked or not. Every key returned carries a reference the
/// caller releases.
/// <para>
/// Stored times are checked, not trusted: a newest record created more than <see cref="MaxFutureSkew"/> after the
/// ring's clock is not used for writes (records under it could later not find their key); a new key is created and a
/// warning logged. A record loaded for (id, created) whose own <c>Created</c> differs is treated as missing.
/// </para>
/// </remarks>
internal abstract class KeyRing : IDisposable
{
    /// <summary>How far in the future a newest key may be created and still be used: clocks of hosts differ a little.</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);

    private const long LatestFlight = long.MinValue;

    private readonly KeyCache? _cache;
    private readonly SingleFlight<(string, long), CryptoKey> _flights = new();
    private volatile bool _disposed;

    /// <summary>How often a caller re-runs a load whose key was evicted and freed before the caller could take a reference.</summary>
    private const int SharedAttempts = 4;

    protected KeyRing(KeyContext context, string keyId, Func<KeyContext, KeyRing, KeyCache>? cache)
    {
        Context = context;
        KeyId = keyId;
        _cache = cache?.Invoke(context, this);
    }

    /// <summary>The ring's own key id.</summary>
    public string KeyId { get; }

    /// <summary>"system" or "intermediate", for logs and metrics.</summary>
    protected abstract string Tier { get; }

    protected KeyContext Context { get; }

    /// <summary>Cached keys (for tests and diagnostics).</summary>
    internal int CachedCount => _cache?.Count ?? 0;

    /// <summary>A snapshot of the cached keys (for tests and diagnostics).</summary>
    internal IReadOnlyList<CryptoKey> CachedKeys => _cache?.Keys ?? [];

    /// <summary>The newest cached key if it is fresh and valid for writes, with a reference for the caller.</summary>
    public CryptoKey? TryGetForWrite(DateTimeOffset now)
    {
        var key = _cache?.TryGetLatest(now.UtcTicks);
        if (key is not null && Context.IsInvalidForWrite(key, now))
        {
            key.Release();
            return null;
        }

        return key;
    }

    /// <summary>A fresh cached key of the ring's own id, with a reference for the caller.</summary>
    public CryptoKey? TryGet(long created, DateTimeOffset now) => _cache?.TryGet(KeyId, created, now.UtcTicks);

    /// <summary>The key for new writes, with a reference for the caller.</summary>
    public async ValueTask<CryptoKey> GetForWriteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var cached = TryGetForWrite(Context.Time.GetUtcNow());
        if (cached is not null)
        {
            return cached;
        }

        if (_cache is null)
        {
            // Without a cache every load is new and belongs to the caller.
            return (await LoadLatestOrCreateAsync(cancellationToken).ConfigureAwait(false)).Key;
        }

        for (int attempt = 1; ; attempt++)
        {
            var shared = await _flights.RunAsync((KeyId, LatestFlight), this, static async (ring, ct) =>
            {
                ring._cache!.CountMiss();
                return ring.Share(ring.KeyId, await ring.LoadLatestOrCreateAsync(ct).ConfigureAwait(false));
            }, cancellationToken).ConfigureAwait(false);
            if (TryAcquireShared(shared))
            {
                return shared;
            }

            if (attempt == SharedAttempts)
            {
                // Evicted every time before we could use it (a cache far too small for the load): use a key of our own.
                var loaded = await LoadLatestOrCreateAsync(cancellationToken).ConfigureAwait(false);
                if (loaded.Owned || loaded.Key.TryAcquire())
                {
                    return loaded.Key;
                }
            }
        }
    }

    /// <summary>The key (<paramref name="keyId"/>, <paramref name="created"/>) for reading, with a reference for the caller.</summary>
    /// <exception cref="MetadataMissingException">The metastore has no such key.</exception>
    public async ValueTask<CryptoKey> GetAsync(string keyId, long created, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var cached = _cache?.TryGet(keyId, created, Context.Time.GetUtcNow().UtcTicks);
        if (cached is not null)
        {
            return cached;
        }

        if (_cache is null)
        {
            return await LoadAsync(keyId, created, cancellationToken).ConfigureAwait(false);
        }

        for (int attempt = 1; ; attempt++)
        {
            var shared = await _flights.RunAsync((keyId, created), (Ring: this, KeyId: keyId, Created: created), static async (s, ct) =>
            {
                s.Ring._cache!.CountMiss();
                var refreshed = await s.Ring.RefreshAsync(s.KeyId, s.Created, ct).ConfigureAwait(false);
                if (refreshed is not null)
                {
                    return refreshed;
                }

                var key = await s.Ring.LoadAsync(s.KeyId, s.Created, ct).ConfigureAwait(false);
                return s.Ring.Share(s.KeyId, new Loaded(key, Owned: true));
            }, cancellationToken).ConfigureAwait(false);
            if (TryAcquireShared(shared))
            {
                return shared;
            }

            if (attempt == SharedAttempts)
            {
                // Evicted every time before we could use it (a cache far too small for the load): load a key of our own.
                return await LoadAsync(keyId, created, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _cache?.Dispose();
    }

    /// <summary>Decrypts a stored record into a key the caller owns.</summary>
    protected abstract ValueTask<CryptoKey> DecryptRecordAsync(string keyId, EnvelopeKeyRecord record, CancellationToken cancellationToken);

    /// <summary>Creates a key created at <paramref name="created"/> and its record; the caller owns the key.</summary>
    protected abstract ValueTask<(CryptoKey Key, EnvelopeKeyRecord Record)> CreateAsync(long created, CancellationToken cancellationToken);

    /// <summary>
    /// The key of a newest record that is neither expired nor revoked, or <see langword="null"/> when it cannot be used
    /// for writes after all (an intermediate key whose system key is expired, revoked or missing).
    /// </summary>
    protected virtual async ValueTask<Loaded?> TryUseLatestAsync(EnvelopeKeyRecord record, CancellationToken cancellationToken) =>
        await DecryptOrReuseAsync(record, cancellationToken).ConfigureAwait(false);

    /// <summary>The cached key of the ring's own id for <paramref name="record"/> (refreshed), or the record decrypted.</summary>
    protected async ValueTask<Loaded> DecryptOrReuseAsync(EnvelopeKeyRecord record, CancellationToken cancellationToken)
    {
        long created = record.Created.ToUnixTimeSeconds();
        var cached = _cache?.Refresh(KeyId, created, record.IsRevoked);
        if (cached is not null)
        {
            // The cached key's record was just re-read: an inline re-check.
            CountRefresh(background: false, succeeded: true);
            return new Loaded(cached, Owned: false);
        }

        return new Loaded(await DecryptRecordAsync(KeyId, record, cancellationToken).ConfigureAwait(false), Owned: true);
    }

    /// <summary>The newest usable key, creating one when there is none; owned by the caller when <see cref="Loaded.Owned"/>.</summary>
    private async ValueTask<Loaded> LoadLatestOrCreateAsync(CancellationToken cancellationToken)
    {
        var now = Context.Time.GetUtcNow();
        var latest = await LoadLatestRecordAsync(cancellationToken).ConfigureAwait(false);
        if (latest is not null)
        {
            if (latest.Created - now > MaxFutureSkew)
            {
                Log.FutureKey(Context.Logger, Tier, KeyId, latest.Created.ToUnixTimeSeconds(), (long)MaxFutureSkew.TotalSeconds);
            }
            else if (!Context.IsInvalidForWrite(latest, now))
            {
                var usable = await TryUseLatestAsync(latest, cancellationToken).ConfigureAwait(false);
                if (usable is not null)
                {
                    return usable.Value;
                }
            }
            else
            {
                Log.RotatingKey(Context.Logger, Tier, KeyId, latest.Created.ToUnixTimeSeconds());
            }
        }

        long created = UnixTime.TruncateToMinute(now.ToUnixTimeSeconds());
        using var creation = AsherahActivitySource.StartKeyCreation(Tier, KeyId);
        var (key, record) = await CreateAsync(created, cancellationToken).ConfigureAwait(false);
        bool stored;
        try
        {
            stored = await Context.Metastore.StoreAsync(KeyId, UnixTime.FromSeconds(created), record, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not AsherahException and not OperationCanceledException)
        {
            key.ReleaseOwner();
            throw MetastoreFailure(e);
        }
        catch
        {
            key.ReleaseOwner();
            throw;
        }

        if (stored)
        {
            Log.KeyCreated(Context.Logger, Tier, KeyId, created);
            Context.Metrics.KeysCreated.Add(1, new KeyValuePair<string, object?>("tier", Tier));
            creation.Complete(stored: true);
            return new Loaded(key, Owned: true);
        }

        // Another writer stored a key for this minute first: use theirs (that exact key: the newest may be one we skipped).
        key.ReleaseOwner();
        Log.DuplicateKey(Context.Logger, Tier, KeyId, created);
        var winner = await LoadRecordAsync(KeyId, created, cancellationToken).ConfigureAwait(false);
        if (winner is null || winner.Created.ToUnixTimeSeconds() != created)
        {
            throw Error.KeyNotPresentAfterRetry(KeyId);
        }

        var used = await DecryptOrReuseAsync(winner, cancellationToken).ConfigureAwait(false);
        creation.Complete(stored: false);
        return used;
    }

    private async ValueTask<CryptoKey> LoadAsync(string keyId, long created, CancellationToken cancellationToken)
    {
        var record = await LoadRecordAsync(keyId, created, cancellationToken).ConfigureAwait(false);
        if (record is null || record.Created.ToUnixTimeSeconds() != created)
        {
            // A record whose own time differs from the one it is stored under is not the key asked for.
            throw Error.KeyNotFound(keyId, created);
        }

        var key = await DecryptRecordAsync(keyId, record, cancellationToken).ConfigureAwait(false);
        Log.KeyLoaded(Context.Logger, Tier, keyId, created);
        Context.Metrics.KeysLoaded.Add(1, new KeyValuePair<string, object?>("tier", Tier));
        return key;
    }

    /// <summary>
    /// Re-checks a cached key in the background (<see cref="CryptoPolicy.BackgroundKeyRefresh"/>): re-reads its record
    /// (revocation) and, for the ring's newest key, looks for a newer usable one and caches it for the next writes.
    /// Never throws: a failure leaves the cached key in use, is logged and counted, and the re-check is retried after
    /// a back-off.
    /// </summary>
    internal async Task RefreshInBackgroundAsync(string keyId, KeyCacheEntry entry, CancellationToken cancellationToken)
    {
        if (_disposed || _cache is null)
        {
            return;
        }

        long created = entry.Key.Created;
        try
        {
            EnvelopeKeyRecord? newer = null;
            EnvelopeKeyRecord? record = null;
            if (_cache.IsLatest(entry))
            {
                var latest = await LoadLatestRecordAsync(cancellationToken).ConfigureAwait(false);
                long latestCreated = latest?.Created.ToUnixTimeSeconds() ?? long.MinValue;
                if (latestCreated == created)
                {
                    record = latest;
                }
                else if (latestCreated > created)
                {
                    newer = latest;
                }
            }

            record ??= await LoadRecordAsync(keyId, created, cancellationToken).ConfigureAwait(false);
            if (record is null || record.Created.ToUnixTimeSeconds() != created)
            {
                throw Error.KeyNotFound(keyId, created);
            }

            bool wasRevoked = entry.Key.Revoked;
            _cache.Refresh(entry, record.IsRevoked);
            if (record.IsRevoked && !wasRevoked)
            {
                Log.RevokedKeyFound(Context.Logger, Tier, keyId, created);
            }

            var now = Context.Time.GetUtcNow();
            if (newer is not null && newer.Created - now <= MaxFutureSkew && !Context.IsInvalidForWrite(newer, now)
                && await TryUseLatestAsync(newer, cancellationToken).ConfigureAwait(false) is { } usable)
            {
                // Cached as the ring's newest key: the next write uses it.
                Share(KeyId, usable);
            }

            CountRefresh(background: true, succeeded: true);
        }
        catch (Exception e) when (_disposed || cancellationToken.IsCancellationRequested || e is ObjectDisposedException)
        {
            // The ring or the factory is going away: nothing to refresh any more.
        }
        catch (Exception e)
        {
            var retry = _cache.RefreshFailed(entry);
            CountRefresh(background: true, succeeded: false);
            Log.RefreshFailed(Context.Logger, e, Tier, keyId, created, entry.Failures, (long)retry.TotalSeconds);
        }
    }

    /// <summary>Re-reads a cached key's record after its revoke-check interval; returns the cache-owned key, or null if not cached.</summary>
    private async ValueTask<CryptoKey?> RefreshAsync(string keyId, long created, CancellationToken cancellationToken)
    {
        if (_cache is null)
        {
            return null;
        }

        // Only worth a metastore round trip when the key is cached but stale.
        if (!_cache.Contains(keyId, created))
        {
            return null;
        }

        EnvelopeKeyRecord? record;
        try
        {
            record = await LoadRecordAsync(keyId, created, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            CountRefresh(background: false, succeeded: false);
            throw;
        }

        if (record is null || record.Created.ToUnixTimeSeconds() != created)
        {
            CountRefresh(background: false, succeeded: false);
            throw Error.KeyNotFound(keyId, created);
        }

        CountRefresh(background: false, succeeded: true);
        return _cache.Refresh(keyId, created, record.IsRevoked);
    }

    private void CountRefresh(bool background, bool succeeded) =>
        Context.Metrics.CacheRefreshes.Add(
            1,
            new KeyValuePair<string, object?>("tier", Tier == "system" ? CacheTierMetrics.SystemKey : CacheTierMetrics.IntermediateKey),
            new KeyValuePair<string, object?>("mode", background ? "background" : "inline"),
            new KeyValuePair<string, object?>("outcome", succeeded ? "succeeded" : "failed"));

    /// <summary>
    /// What a failure of the metastore or KMS surfaces as: <see cref="ObjectDisposedException"/> when the ring was
    /// disposed meanwhile (its failure is then most likely the disposal's), otherwise <paramref name="wrap"/>'s exception.
    /// </summary>
    protected Exception DependencyFailure(Exception e, Func<Exception, Exception> wrap) =>
        _disposed ? new ObjectDisposedException("The session factory was disposed while a key was loading.", e) : wrap(e);

    private Exception MetastoreFailure(Exception e) => DependencyFailure(e, static e => Error.MetastoreFailed(e));

    private async ValueTask<EnvelopeKeyRecord?> LoadRecordAsync(string keyId, long created, CancellationToken cancellationToken)
    {
        try
        {
            return await Context.Metastore.LoadAsync(keyId, UnixTime.FromSeconds(created), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not AsherahException and not OperationCanceledException)
        {
            throw MetastoreFailure(e);
        }
    }

    private async ValueTask<EnvelopeKeyRecord?> LoadLatestRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Context.Metastore.LoadLatestAsync(KeyId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not AsherahException and not OperationCanceledException)
        {
            throw MetastoreFailure(e);
        }
    }

    /// <summary>Puts a newly loaded key in the cache; returns the cache-owned key.</summary>
    private CryptoKey Share(string keyId, Loaded loaded) => loaded.Owned ? _cache!.Add(keyId, loaded.Key) : loaded.Key;

    /// <summary>
    /// Takes a reference to a key a load put in the cache; false when eviction freed it meanwhile (the caller loads
    /// again).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The ring was disposed (which freed the key).</exception>
    private bool TryAcquireShared(CryptoKey shared)
    {
        if (shared.TryAcquire())
        {
            return true;
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        return false;
    }

    /// <summary>A key and whether the caller owns it (new) or the cache does (already cached).</summary>
    protected readonly record struct Loaded(CryptoKey Key, bool Owned);
}

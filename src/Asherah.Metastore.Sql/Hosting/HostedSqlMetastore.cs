using System.Data.Common;
using System.Runtime.CompilerServices;
using Asherah.Envelope;

namespace Asherah.Metastore.Sql.Hosting;

/// <summary>
/// A <see cref="SqlMetastore"/> made by hosting (a named provider, <c>UseSqlMetastore</c>): it may create its table
/// before its first use, and may own its data source.
/// </summary>
/// <remarks>
/// <para>
/// With <c>ensureSchema</c>, the schema is ensured once per instance; a failed attempt (the database was unreachable) is
/// retried by the next call. One caller's cancellation does not cancel the attempt others wait on.
/// </para>
/// <para>
/// Ownership: <c>ownedDataSource</c>, when given, is disposed with this metastore (the container or session factory
/// that owns the metastore disposes it); <see langword="null"/> leaves the data source to whoever created it. Disposal is
/// idempotent, and every call after it throws <see cref="ObjectDisposedException"/>.
/// </para>
/// </remarks>
internal sealed class HostedSqlMetastore : IMetastore, IMetastoreCatalog, IKeyRevoker, IDisposable, IAsyncDisposable
{
    private readonly SqlMetastore _inner;
    private readonly DbDataSource? _ownedDataSource;
    private readonly Lock _lock = new();
    private Task? _schema;
    private int _disposed;

    public HostedSqlMetastore(SqlMetastore inner, bool ensureSchema, DbDataSource? ownedDataSource)
    {
        _inner = inner;
        _ownedDataSource = ownedDataSource;
        if (!ensureSchema)
        {
            _schema = Task.CompletedTask;
        }
    }

    public string? KeySuffix => _inner.KeySuffix;

    public async ValueTask<EnvelopeKeyRecord?> LoadAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await _inner.LoadAsync(keyId, created, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<EnvelopeKeyRecord?> LoadLatestAsync(string keyId, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await _inner.LoadLatestAsync(keyId, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> StoreAsync(string keyId, DateTimeOffset created, EnvelopeKeyRecord record, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await _inner.StoreAsync(keyId, created, record, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> RevokeAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await _inner.RevokeAsync(keyId, created, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<StoredKeyRecord> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var record in _inner.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return record;
        }
    }

    // After disposal every call throws ObjectDisposedException, whether or not the data source was ours (SQLite's data
    // source keeps working after its disposal, so relying on the driver would let a disposed metastore run on).
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _ownedDataSource?.Dispose();
        }
    }

    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _disposed, 1) == 0 && _ownedDataSource is not null ? _ownedDataSource.DisposeAsync() : ValueTask.CompletedTask;

    private Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        var schema = _schema;
        if (schema is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        lock (_lock)
        {
            if (_schema is null || _schema.IsFaulted || _schema.IsCanceled)
            {
                _schema = _inner.EnsureSchemaAsync(CancellationToken.None);
            }

            schema = _schema;
        }

        return schema.WaitAsync(cancellationToken);
    }
}

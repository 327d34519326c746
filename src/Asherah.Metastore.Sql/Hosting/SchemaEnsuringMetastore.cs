using System.Data.Common;
using System.Runtime.CompilerServices;
using Asherah.Envelope;

namespace Asherah.Metastore.Sql.Hosting;

/// <summary>
/// A <see cref="SqlMetastore"/> that creates its table before its first use and owns its data source, for metastores
/// made from configuration, where nobody else is there to call <see cref="SqlMetastore.EnsureSchemaAsync"/>.
/// </summary>
/// <remarks>
/// The schema is ensured once per instance; a failed attempt (the database was unreachable) is retried by the next call.
/// One caller's cancellation does not cancel the attempt others wait on.
/// </remarks>
internal sealed class SchemaEnsuringMetastore : IMetastore, IMetastoreCatalog, IDisposable, IAsyncDisposable
{
    private readonly SqlMetastore _inner;
    private readonly DbDataSource _dataSource;
    private readonly Lock _lock = new();
    private Task? _schema;

    public SchemaEnsuringMetastore(SqlMetastore inner, DbDataSource dataSource)
    {
        _inner = inner;
        _dataSource = dataSource;
    }

    public string? KeySuffix => _inner.KeySuffix;

    public async ValueTask<EnvelopeKeyRecord?> LoadAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await _inner.LoadAsync(keyId, created, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<EnvelopeKeyRecord?> LoadLatestAsync(string keyId, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await _inner.LoadLatestAsync(keyId, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> StoreAsync(string keyId, DateTimeOffset created, EnvelopeKeyRecord record, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await _inner.StoreAsync(keyId, created, record, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<StoredKeyRecord> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var record in _inner.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return record;
        }
    }

    public void Dispose() => _dataSource.Dispose();

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

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

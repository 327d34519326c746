using System.Runtime.CompilerServices;

namespace Asherah.Cli.Configuration;

/// <summary>
/// Forwards to the metastore a provider made and, when it fails, restates the failure for a person on one line
/// (<see cref="Explain"/>): which operation, which database, and the database's own reason. The caller disposes the
/// inner metastore.
/// </summary>
internal abstract class ExplainingMetastore : IMetastore, IMetastoreCatalog, IKeyRevoker
{
    private readonly IMetastore _inner;

    protected ExplainingMetastore(IMetastore inner)
    {
        _inner = inner;
    }

    public string? KeySuffix => _inner.KeySuffix;

    public async ValueTask<EnvelopeKeyRecord?> LoadAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _inner.LoadAsync(keyId, created, cancellationToken);
        }
        catch (MetastoreException e)
        {
            throw Explain(e, $"load key '{keyId}'");
        }
    }

    public async ValueTask<EnvelopeKeyRecord?> LoadLatestAsync(string keyId, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _inner.LoadLatestAsync(keyId, cancellationToken);
        }
        catch (MetastoreException e)
        {
            throw Explain(e, $"load key '{keyId}'");
        }
    }

    public async ValueTask<bool> StoreAsync(string keyId, DateTimeOffset created, EnvelopeKeyRecord record, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _inner.StoreAsync(keyId, created, record, cancellationToken);
        }
        catch (MetastoreException e)
        {
            throw Explain(e, $"store key '{keyId}'");
        }
    }

    /// <summary>Whether the inner metastore can revoke keys.</summary>
    public bool CanRevoke => _inner is IKeyRevoker;

    public async ValueTask<bool> RevokeAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default)
    {
        var revoker = _inner as IKeyRevoker ?? throw new NotSupportedException("The metastore cannot revoke keys.");
        try
        {
            return await revoker.RevokeAsync(keyId, created, cancellationToken);
        }
        catch (MetastoreException e)
        {
            throw Explain(e, $"revoke key '{keyId}'");
        }
    }

    public async IAsyncEnumerable<StoredKeyRecord> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var rows = new List<StoredKeyRecord>();
        try
        {
            await foreach (var row in ((IMetastoreCatalog)_inner).ListAsync(cancellationToken))
            {
                rows.Add(row);
            }
        }
        catch (MetastoreException e)
        {
            throw Explain(e, "list keys");
        }

        foreach (var row in rows)
        {
            yield return row;
        }
    }

    /// <summary>The failure of <paramref name="operation"/> ("load key 'ID'", "list keys") restated for a person.</summary>
    protected abstract MetastoreException Explain(MetastoreException e, string operation);
}

namespace Asherah;

/// <summary>A metastore that can list what it holds, for tooling such as <c>asherah keys list</c>.</summary>
public interface IMetastoreCatalog
{
    /// <summary>Every stored record, ordered by key id then creation time.</summary>
    IAsyncEnumerable<StoredKeyRecord> ListAsync(CancellationToken cancellationToken = default);
}

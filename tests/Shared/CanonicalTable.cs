using Asherah.Metastore;

namespace Asherah.Tests.Shared;

/// <summary>A metastore over a table of its own, and how canonical Asherah would insert a row into that table.</summary>
public sealed record CanonicalTable(IMetastore Store, Func<string, DateTimeOffset, string, Task> InsertAsCanonical)
{
    /// <summary>Inserts (id, created, key record JSON) as canonical Asherah stores it.</summary>
    public Task InsertAsCanonicalAsync(string id, DateTimeOffset created, string keyRecordJson) => InsertAsCanonical(id, created, keyRecordJson);
}

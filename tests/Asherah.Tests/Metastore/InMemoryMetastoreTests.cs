using Asherah.Metastore;
using Asherah.Tests.Shared;

namespace Asherah.Tests.Metastore;

/// <summary>The metastore contract over <see cref="InMemoryMetastore"/>.</summary>
public sealed class InMemoryMetastoreTests : MetastoreContract
{
    protected override Task<IMetastore> CreateAsync() => Task.FromResult<IMetastore>(new InMemoryMetastore());
}

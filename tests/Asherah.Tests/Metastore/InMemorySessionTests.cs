using Asherah.Metastore;
using Asherah.Tests.Shared;

namespace Asherah.Tests.Metastore;

/// <summary>The session contract over one <see cref="InMemoryMetastore"/> shared by every factory of a test.</summary>
public sealed class InMemorySessionTests : SessionContract
{
    private readonly InMemoryMetastore _metastore = new();

    protected override Task<IMetastore> OpenMetastoreAsync() => Task.FromResult<IMetastore>(_metastore);

    protected override async Task<int> CountRowsAsync(string keyId)
    {
        int count = 0;
        await foreach (var row in _metastore.ListAsync())
        {
            count += row.KeyId == keyId ? 1 : 0;
        }

        return count;
    }
}

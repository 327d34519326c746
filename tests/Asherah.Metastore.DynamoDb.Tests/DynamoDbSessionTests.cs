using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Asherah.Tests.Shared;

namespace Asherah.Metastore.DynamoDb.Tests;

/// <summary>
/// The session contract over dynalite (<c>ASHERAH_TEST_DYNAMODB</c>): each test has a table of its own, and every factory
/// reaches it through a client of its own, as another process would.
/// </summary>
[RequiresEnvironment(Dynalite.Variable, Dynalite.HowToSet)]
public sealed class DynamoDbSessionTests : SessionContract, IAsyncLifetime
{
    private readonly string _table = Dynalite.NewTableName();
    private readonly List<AmazonDynamoDBClient> _clients = [];

    private AmazonDynamoDBClient NewClient()
    {
        var client = Dynalite.Client();
        lock (_clients)
        {
            _clients.Add(client);
        }

        return client;
    }

    public async Task InitializeAsync() =>
        await new DynamoDbMetastore(NewClient(), new DynamoDbMetastoreOptions { TableName = _table }).EnsureTableAsync();

    public async Task DisposeAsync()
    {
        try
        {
            await NewClient().DeleteTableAsync(_table);
        }
        catch (ResourceNotFoundException)
        {
        }

        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }

    protected override Task<IMetastore> OpenMetastoreAsync() =>
        Task.FromResult<IMetastore>(new DynamoDbMetastore(NewClient(), new DynamoDbMetastoreOptions { TableName = _table }));

    protected override async Task<int> CountRowsAsync(string keyId)
    {
        var response = await NewClient().QueryAsync(new QueryRequest
        {
            TableName = _table,
            KeyConditionExpression = "Id = :id",
            ExpressionAttributeValues = new() { [":id"] = new AttributeValue { S = keyId } },
            Select = Select.COUNT,
            ConsistentRead = true,
        });
        return response.Count ?? 0;
    }
}

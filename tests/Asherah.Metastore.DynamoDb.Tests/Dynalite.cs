using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace Asherah.Metastore.DynamoDb.Tests;

/// <summary>
/// The dynalite servers <c>scripts/dynalite.sh</c> starts (<c>ASHERAH_TEST_DYNAMODB</c>, and
/// <c>ASHERAH_TEST_DYNAMODB_REPLICA</c> for a second region), reached through the real AWS SDK client.
/// </summary>
internal static class Dynalite
{
    public const string Variable = "ASHERAH_TEST_DYNAMODB";
    public const string ReplicaVariable = "ASHERAH_TEST_DYNAMODB_REPLICA";
    public const string HowToSet = "run eval \"$(scripts/dynalite.sh start)\"; scripts/test.sh does it";

    public static string Endpoint => Read(Variable);

    public static string ReplicaEndpoint => Read(ReplicaVariable);

    /// <summary>A client for <paramref name="endpoint"/> signing for <paramref name="region"/> (dynalite accepts any credentials).</summary>
    public static AmazonDynamoDBClient Client(string? endpoint = null, string region = "us-west-2", int maxErrorRetry = 2, TimeSpan? timeout = null)
    {
        var config = new AmazonDynamoDBConfig
        {
            ServiceURL = endpoint ?? Endpoint,
            AuthenticationRegion = region,
            MaxErrorRetry = maxErrorRetry,
        };
        if (timeout is { } t)
        {
            config.Timeout = t;
        }

        return new AmazonDynamoDBClient(new BasicAWSCredentials("dynalite", "dynalite"), config);
    }

    /// <summary>A table name no other test uses.</summary>
    public static string NewTableName() => "asherah-test-" + Guid.NewGuid().ToString("N");

    /// <summary>Copies every item of <paramref name="table"/> from one server to the other, as global-table replication would.</summary>
    public static async Task ReplicateAsync(IAmazonDynamoDB from, IAmazonDynamoDB to, string table)
    {
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await from.ScanAsync(new ScanRequest { TableName = table, ExclusiveStartKey = start });
            foreach (var item in page.Items ?? [])
            {
                await to.PutItemAsync(new PutItemRequest { TableName = table, Item = item });
            }

            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
    }

    /// <summary>Waits until <paramref name="table"/> is ACTIVE (dynalite's --createTableMs 0 still answers CREATING once).</summary>
    public static async Task WaitActiveAsync(IAmazonDynamoDB client, string table)
    {
        for (int i = 0; i < 200; i++)
        {
            if ((await client.DescribeTableAsync(table)).Table.TableStatus == TableStatus.ACTIVE)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"Table {table} did not become ACTIVE.");
    }

    /// <summary>A loopback port nothing listens on.</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Read(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set ({HowToSet}).");
}

using Microsoft.Extensions.Logging;

namespace Asherah.Metastore.DynamoDb;

/// <summary>Log messages of the DynamoDB metastore (event ids 300–399).</summary>
internal static partial class DynamoDbMetastoreLog
{
    [LoggerMessage(300, LogLevel.Error, "DynamoDB metastore failed to {Operation} in table {TableName}")]
    public static partial void Failed(ILogger logger, string operation, string tableName, Exception exception);

    [LoggerMessage(301, LogLevel.Information, "DynamoDB metastore created table {TableName}")]
    public static partial void TableCreated(ILogger logger, string tableName);
}

using Microsoft.Extensions.Logging;

namespace Asherah.Server.Diagnostics;

/// <summary>The server's log messages (source-generated), with stable event ids 1000-1099.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "asherah-server listening on {Endpoints} (product {ProductId}, service {ServiceId}, metastore {Metastore}, kms {Kms})")]
    public static partial void Listening(ILogger logger, string endpoints, string productId, string serviceId, string? metastore, string? kms);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Using the local development master key '{Path}'; it is not for production (use --kms aws)")]
    public static partial void DevelopmentKey(ILogger logger, string path);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Removed the stale socket file '{Path}' (no server was listening on it)")]
    public static partial void StaleSocketRemoved(ILogger logger, string path);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "--replica-read-consistency '{Value}' is accepted for compatibility with the canonical server and has no effect here")]
    public static partial void ReplicaReadConsistencyIgnored(ILogger logger, string value);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "Session opened for partition {PartitionId}")]
    public static partial void SessionOpened(ILogger logger, string partitionId);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Debug, Message = "Session closed for partition {PartitionId}")]
    public static partial void SessionClosed(ILogger logger, string partitionId);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Debug, Message = "A stream was abandoned by its client (cancelled or disconnected)")]
    public static partial void StreamAbandoned(ILogger logger);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Debug, Message = "{Operation} failed; answered with an ErrorResponse")]
    public static partial void OperationFailed(ILogger logger, string operation, Exception exception);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Debug, Message = "decrypt refused a malformed record: {Reason}")]
    public static partial void MalformedRecord(ILogger logger, string reason);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Debug, Message = "A stream sent a message that is no SessionRequest; ended with INTERNAL: {Reason}")]
    public static partial void MalformedMessage(ILogger logger, string reason);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Information, Message = "Shutdown signal received: no new streams; open streams have {Grace} to finish")]
    public static partial void ShuttingDown(ILogger logger, TimeSpan grace);
}

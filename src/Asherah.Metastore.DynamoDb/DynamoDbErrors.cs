using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace Asherah.Metastore.DynamoDb;

/// <summary>
/// Turns what the AWS SDK throws into <see cref="MetastoreException"/>, after the SDK's own retries with backoff.
/// </summary>
/// <remarks>
/// <code>
/// transient     := throttling (ProvisionedThroughputExceeded, RequestLimitExceeded, Throttling, LimitExceeded)
///                | InternalServerError | any HTTP 5xx | a network failure or timeout (also inside AmazonClientException)
/// not transient := ResourceNotFound (no table) | access, validation and every other service error | client errors
/// </code>
/// The duplicate of a conditional put (<see cref="ConditionalCheckFailedException"/>) is not an error; the metastore
/// handles it before this class sees it.
/// </remarks>
internal static class DynamoDbErrors
{
    /// <summary>Whether <paramref name="exception"/> is one this class translates (everything but cancellation).</summary>
    public static bool IsTranslatable(Exception exception) =>
        exception is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or SocketException
            or TimeoutException or OperationCanceledException;

    /// <summary>The <see cref="MetastoreException"/> for <paramref name="exception"/>, thrown while the metastore was doing <paramref name="operation"/>.</summary>
    public static MetastoreException Translate(Exception exception, string operation, string tableName)
    {
        if (exception is ResourceNotFoundException)
        {
            return new MetastoreException(
                $"The DynamoDB table '{tableName}' does not exist (or is not visible in this region and account) while trying to {operation}; " +
                "create it (hash key Id S, range key Created N), for example with DynamoDbMetastore.EnsureTableAsync.",
                exception);
        }

        bool transient = IsTransient(exception);
        string detail = exception is AmazonServiceException service && !string.IsNullOrEmpty(service.ErrorCode)
            ? $" ({service.ErrorCode}, HTTP {(int)service.StatusCode})"
            : string.Empty;
        return new MetastoreException(
            $"The DynamoDB metastore failed to {operation} in table '{tableName}'{detail}{(transient ? "; retrying later may succeed" : string.Empty)}.",
            exception,
            transient);
    }

    /// <summary>Whether retrying later may succeed.</summary>
    public static bool IsTransient(Exception exception)
    {
        switch (exception)
        {
            case ProvisionedThroughputExceededException or RequestLimitExceededException or ThrottlingException or LimitExceededException
                or InternalServerErrorException:
                return true;
            case AmazonServiceException service:
                if ((int)service.StatusCode >= 500 || service.ErrorType == ErrorType.Receiver || IsThrottlingCode(service.ErrorCode))
                {
                    return true;
                }

                // A service exception without a status (0) is the SDK's wrapper of a transport failure.
                return service.StatusCode == 0 && HasNetworkCause(service.InnerException);
            case AmazonClientException client:
                return HasNetworkCause(client.InnerException);
            default:
                return HasNetworkCause(exception);
        }
    }

    private static bool IsThrottlingCode(string? code) => code is "ThrottlingException" or "Throttling" or "ThrottledException"
        or "RequestThrottledException" or "TooManyRequestsException" or "ProvisionedThroughputExceededException"
        or "RequestLimitExceeded" or "RequestThrottled" or "SlowDown" or "TransactionInProgressException";

    /// <summary>Whether <paramref name="exception"/> or one of its causes is a connection failure or timeout.</summary>
    private static bool HasNetworkCause(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException or IOException or SocketException or TimeoutException or OperationCanceledException or WebException)
            {
                return true;
            }
        }

        return false;
    }
}

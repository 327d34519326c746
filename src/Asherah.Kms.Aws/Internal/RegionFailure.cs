using System.Net;
using Amazon.Runtime;

namespace Asherah.Kms.Aws.Internal;

/// <summary>Why one call to one region failed: a reason for metrics, an error code for people, and whether to retry later.</summary>
/// <param name="Region">The region called.</param>
/// <param name="Reason">timeout | throttled | unavailable | rejected | invalid_response | undecryptable.</param>
/// <param name="Error">The AWS error code (<c>KMSInternalException</c>) or exception type; never a message that could echo data.</param>
/// <param name="IsTransient">Whether the same call may succeed later.</param>
/// <param name="Exception">The underlying exception, if any.</param>
internal sealed record RegionFailure(string Region, string Reason, string Error, bool IsTransient, Exception? Exception)
{
    public override string ToString() => $"{Region} ({Reason}: {Error})";

    public static RegionFailure Timeout(string region, TimeSpan timeout, Exception? exception) =>
        new(region, "timeout", $"no answer within {timeout.TotalMilliseconds:0} ms", IsTransient: true, exception);

    public static RegionFailure InvalidResponse(string region, string problem) =>
        new(region, "invalid_response", problem, IsTransient: false, null);

    public static RegionFailure Undecryptable(string region) =>
        new(region, "undecryptable", "the region's data key does not open the system key", IsTransient: false, null);

    public static RegionFailure From(string region, Exception exception)
    {
        switch (exception)
        {
            case AmazonServiceException service:
                var code = string.IsNullOrEmpty(service.ErrorCode) ? $"HTTP {(int)service.StatusCode}" : service.ErrorCode;
                if (service.StatusCode == (HttpStatusCode)429 || code.Contains("Throttl", StringComparison.OrdinalIgnoreCase)
                    || code.Equals("LimitExceededException", StringComparison.Ordinal))
                {
                    return new(region, "throttled", code, IsTransient: true, exception);
                }

                bool unavailable = (int)service.StatusCode >= 500 || service.StatusCode == 0
                    || code is "KMSInternalException" or "DependencyTimeoutException" or "KeyUnavailableException";
                return new(region, unavailable ? "unavailable" : "rejected", code, unavailable, exception);
            case AmazonClientException or HttpRequestException or IOException or TimeoutException:
                // Could not reach the service (DNS, connection refused, TLS) or the SDK gave up on its own.
                return new(region, "unavailable", exception.GetType().Name, IsTransient: true, exception);
            default:
                return new(region, "rejected", exception.GetType().Name, IsTransient: false, exception);
        }
    }
}

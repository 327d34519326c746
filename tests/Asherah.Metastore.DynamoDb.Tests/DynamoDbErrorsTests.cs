using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace Asherah.Metastore.DynamoDb.Tests;

/// <summary>How SDK failures are classified (no server: the exceptions the SDK throws, built by hand).</summary>
public sealed class DynamoDbErrorsTests
{
    public static TheoryData<Exception> Transient() => new()
    {
        new ProvisionedThroughputExceededException("throughput"),
        new RequestLimitExceededException("limit"),
        new ThrottlingException("throttled"),
        new LimitExceededException("limit"),
        new InternalServerErrorException("internal"),
        new AmazonDynamoDBExceptionWithStatus("ServiceUnavailable", HttpStatusCode.ServiceUnavailable),
        new AmazonDynamoDBExceptionWithStatus("Throttling", HttpStatusCode.BadRequest),
        new AmazonDynamoDBExceptionWithStatus(null, 0, new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused))),
        new AmazonClientException("no response", new IOException("reset")),
        new HttpRequestException("refused"),
        new TaskCanceledException("HttpClient.Timeout", new TimeoutException()),
    };

    public static TheoryData<Exception> Permanent() => new()
    {
        new AmazonDynamoDBExceptionWithStatus("ValidationException", HttpStatusCode.BadRequest),
        new AmazonDynamoDBExceptionWithStatus("AccessDeniedException", HttpStatusCode.BadRequest),
        new AmazonDynamoDBExceptionWithStatus("UnrecognizedClientException", HttpStatusCode.BadRequest),
        new AmazonClientException("No RegionEndpoint or ServiceURL configured"),
        new ResourceNotFoundException("no table"),
    };

    [Theory]
    [MemberData(nameof(Transient))]
    public void Transient_Failures_AreMarkedTransient(Exception exception)
    {
        var e = DynamoDbErrors.Translate(exception, "load a key record", "EncryptionKey");
        Assert.True(e.IsTransient);
        Assert.Same(exception, e.InnerException);
        Assert.Contains("'EncryptionKey'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Permanent))]
    public void Other_Failures_AreNot(Exception exception)
    {
        var e = DynamoDbErrors.Translate(exception, "store a key record", "Keys");
        Assert.False(e.IsTransient);
        Assert.Same(exception, e.InnerException);
    }

    [Fact]
    public void MissingTable_NamesTheTable_AndHowToCreateIt()
    {
        var e = DynamoDbErrors.Translate(new ResourceNotFoundException("Requested resource not found"), "load a key record", "Keys");
        Assert.Contains("The DynamoDB table 'Keys' does not exist", e.Message, StringComparison.Ordinal);
        Assert.Contains("EnsureTableAsync", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A service exception with a given error code and HTTP status, as the SDK's unmarshaller builds them.</summary>
    private sealed class AmazonDynamoDBExceptionWithStatus(string? code, HttpStatusCode status, Exception? inner = null)
        : Amazon.DynamoDBv2.AmazonDynamoDBException("service error", inner!, status == 0 ? ErrorType.Unknown : ErrorType.Sender, code, "request-id", status)
    {
        public override string ToString() => $"{ErrorCode} {(int)StatusCode}";
    }
}

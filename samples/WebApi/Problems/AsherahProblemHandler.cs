using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Asherah.Samples.WebApi.Problems;

/// <summary>
/// Turns the exceptions a request can meet into RFC 9457 problem responses: a bad request or partition id is a 400, a
/// record of another user's partition a 403, a damaged stored record a 500 that says so, an unreachable metastore or KMS
/// a 503. Exceptions it does not know go on to the framework's generic 500 problem.
/// </summary>
/// <remarks>
/// Asherah's messages never carry key material, and the response carries no stack trace; the exception itself is logged.
/// One problem title per cause, so clients and the smoke test can tell them apart.
/// </remarks>
internal sealed partial class AsherahProblemHandler(IProblemDetailsService problems, ILogger<AsherahProblemHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Describe(exception) is not { } problem)
        {
            return false;
        }

        if (problem.Status >= StatusCodes.Status500InternalServerError)
        {
            LogServerProblem(logger, problem.Title, httpContext.Request.Path, exception);
        }
        else
        {
            LogClientProblem(logger, problem.Title, httpContext.Request.Path, exception.Message);
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        if (exception is MetastoreException { IsTransient: true } or KmsException { IsTransient: true })
        {
            httpContext.Response.Headers.RetryAfter = "5";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
    }

    /// <summary>The problem <paramref name="exception"/> stands for, or <see langword="null"/> to leave it to the framework.</summary>
    internal static ProblemDetails? Describe(Exception exception) => exception switch
    {
        // Malformed JSON, a missing body, a body too large: the framework's own message names the parameter.
        BadHttpRequestException e => Problem(e.StatusCode, "Bad request", e.Message),

        // Thrown by Asherah for an invalid partition id (empty, only white space, ill-formed UTF-16) or payload size.
        ArgumentException e => Problem(StatusCodes.Status400BadRequest, "Invalid request", e.Message),

        // The record's intermediate key is not in this session's partition (another user's note), or is gone.
        MetadataMissingException => Problem(
            StatusCodes.Status403Forbidden,
            "Note not readable by this user",
            "The note was encrypted for another user's partition, or its key is no longer in the key store."),

        // The stored record is malformed, was tampered with, or was encrypted under another key: the server's data.
        DecryptionFailedException => Problem(
            StatusCodes.Status500InternalServerError,
            "Stored note is damaged",
            "The note's stored record could not be decrypted: it is damaged or was encrypted under another key."),

        MetastoreException { IsTransient: true } or KmsException { IsTransient: true } => Problem(
            StatusCodes.Status503ServiceUnavailable,
            "Key store unavailable",
            "The key store or key management service did not answer; retry later."),

        MetastoreException or KmsException => Problem(
            StatusCodes.Status500InternalServerError,
            "Key store failure",
            "The key store or key management service failed; see the server's log."),

        _ => null,
    };

    private static ProblemDetails Problem(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail };

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Title} on {Path}: {Reason}")]
    private static partial void LogClientProblem(ILogger logger, string? title, PathString path, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "{Title} on {Path}")]
    private static partial void LogServerProblem(ILogger logger, string? title, PathString path, Exception exception);
}

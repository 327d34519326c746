using Asherah.Server.Diagnostics;
using Asherah.Server.Protocol;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Asherah.Server.Streaming;

/// <summary>
/// <c>asherah.apps.server.AppEncryption</c>: each <c>Session</c> call is one <see cref="SessionStream"/>, fed request by
/// request until the client half-closes (status OK), cancels, sends bytes that are no <c>SessionRequest</c> (status
/// INTERNAL, as grpc-go), or the server's shutdown grace period ends (status UNAVAILABLE). The stream's session is
/// released in every case.
/// </summary>
internal sealed class AppEncryptionService : AppEncryption.AppEncryptionBase
{
    private readonly SessionFactory _factory;
    private readonly SessionTracker _tracker;
    private readonly ShutdownDrain _drain;
    private readonly ILogger<AppEncryptionService> _logger;

    public AppEncryptionService(SessionFactory factory, SessionTracker tracker, ShutdownDrain drain, ILogger<AppEncryptionService> logger)
    {
        _factory = factory;
        _tracker = tracker;
        _drain = drain;
        _logger = logger;
    }

    public override async Task Session(IAsyncStreamReader<SessionRequest> requestStream, IServerStreamWriter<SessionResponse> responseStream, ServerCallContext context)
    {
        var callToken = context.CancellationToken;
        _tracker.StreamStarted();
        var stream = new SessionStream(_factory, _tracker, _logger);
        try
        {
            // Reading stops when the grace period after a shutdown signal ends; an operation already read still finishes
            // and is answered (it only stops when the client goes away).
            using var reading = CancellationTokenSource.CreateLinkedTokenSource(callToken, _drain.Expired);
            while (true)
            {
                bool more;
                try
                {
                    more = await requestStream.MoveNext(reading.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_drain.Expired.IsCancellationRequested && !callToken.IsCancellationRequested)
                {
                    throw new RpcException(new Status(StatusCode.Unavailable, SessionMessages.ShuttingDown));
                }
                catch (InvalidProtocolBufferException e)
                {
                    // Bytes that are no SessionRequest (truncated, a string that is not UTF-8): grpc-go ends the stream with
                    // INTERNAL and says why; unhandled, it would be UNKNOWN "Exception was thrown by handler" and an error log.
                    ServerLog.MalformedMessage(_logger, e.Message);
                    throw new RpcException(new Status(StatusCode.Internal, SessionMessages.Unparsable + e.Message));
                }

                if (!more)
                {
                    return;
                }

                var response = await stream.HandleAsync(requestStream.Current, callToken).ConfigureAwait(false);
                await responseStream.WriteAsync(response, callToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (callToken.IsCancellationRequested && e is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client cancelled or its connection dropped: nothing to answer; the session is released below.
            ServerLog.StreamAbandoned(_logger);
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            _tracker.StreamEnded();
        }
    }
}

using Asherah.Server.Diagnostics;
using Asherah.Server.Protocol;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace Asherah.Server.Streaming;

/// <summary>
/// The state of one <c>Session</c> stream: no session until a <c>GetSession</c> succeeds, then one
/// <see cref="BytesSession"/> on that partition for every request that follows, released when the stream ends however
/// it ends. Requests are answered one at a time, in order.
/// </summary>
/// <remarks>
/// <code>
/// uninitialized --GetSession ok--> open        uninitialized --GetSession fails--> uninitialized (ErrorResponse; may retry)
/// uninitialized --Encrypt|Decrypt--> ErrorResponse "session not yet initialized"
/// open --GetSession--> ErrorResponse "session has already been initialized"
/// open --Encrypt|Decrypt--> EncryptResponse|DecryptResponse, or ErrorResponse with the library's message
/// </code>
/// Unlike the canonical Go server, a failed <c>GetSession</c> leaves the stream uninitialized, so a later request gets
/// "session not yet initialized" rather than a crash. Error texts are the library's exception messages, which never hold
/// key material or payload bytes.
/// </remarks>
internal sealed class SessionStream : IAsyncDisposable
{
    private static readonly SessionResponse Opened = new();

    private readonly SessionFactory _factory;
    private readonly SessionTracker _tracker;
    private readonly ILogger _logger;
    private BytesSession? _session;

    public SessionStream(SessionFactory factory, SessionTracker tracker, ILogger logger)
    {
        _factory = factory;
        _tracker = tracker;
        _logger = logger;
    }

    /// <summary>The answer to <paramref name="request"/>; never throws for a failure of the operation itself.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the client went away).</exception>
    public ValueTask<SessionResponse> HandleAsync(SessionRequest request, CancellationToken cancellationToken) => request.RequestCase switch
    {
        SessionRequest.RequestOneofCase.GetSession => ValueTask.FromResult(Open(request.GetSession.PartitionId)),
        SessionRequest.RequestOneofCase.Encrypt => _session is { } s ? EncryptAsync(s, request.Encrypt.Data, cancellationToken) : ValueTask.FromResult(Error(SessionMessages.NotInitialized)),
        SessionRequest.RequestOneofCase.Decrypt => _session is { } s ? DecryptAsync(s, request.Decrypt.DataRowRecord, cancellationToken) : ValueTask.FromResult(Error(SessionMessages.NotInitialized)),
        _ => ValueTask.FromResult(Error(SessionMessages.EmptyRequest)),
    };

    public async ValueTask DisposeAsync()
    {
        if (_session is { } session)
        {
            _session = null;
            await session.DisposeAsync().ConfigureAwait(false);
            _tracker.Closed();
            ServerLog.SessionClosed(_logger, session.PartitionId);
        }
    }

    private SessionResponse Open(string partitionId)
    {
        if (_session is not null)
        {
            return Error(SessionMessages.AlreadyInitialized);
        }

        try
        {
            _session = _factory.GetSessionBytes(partitionId);
        }
        catch (Exception e) when (IsOperationFailure(e))
        {
            ServerLog.OperationFailed(_logger, "get-session", e);
            return Error(e.Message);
        }

        _tracker.Opened();
        ServerLog.SessionOpened(_logger, partitionId);
        return Opened;
    }

    private async ValueTask<SessionResponse> EncryptAsync(BytesSession session, ByteString data, CancellationToken cancellationToken)
    {
        byte[] json;
        try
        {
            json = await session.EncryptAsync(data.ToByteArray(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsOperationFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            ServerLog.OperationFailed(_logger, "encrypt", e);
            return Error(e.Message);
        }

        var record = Asherah.DataRowRecord.Parse(json);
        return new SessionResponse { EncryptResponse = new EncryptResponse { DataRowRecord = ProtoRecords.ToProto(record) } };
    }

    private async ValueTask<SessionResponse> DecryptAsync(BytesSession session, Protocol.DataRowRecord? proto, CancellationToken cancellationToken)
    {
        if (ProtoRecords.FromProto(proto, out var malformed) is not { } record)
        {
            ServerLog.MalformedRecord(_logger, malformed!);
            return Error(malformed!);
        }

        byte[] payload;
        try
        {
            payload = await session.DecryptAsync(record.ToUtf8Json(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsOperationFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            ServerLog.OperationFailed(_logger, "decrypt", e);
            return Error(e.Message);
        }

        return new SessionResponse { DecryptResponse = new DecryptResponse { Data = UnsafeByteOperations.UnsafeWrap(payload) } };
    }

    /// <summary>
    /// Failures a client caused or can retry (bad input, a refused record, a metastore or KMS outage), answered with an
    /// <c>ErrorResponse</c>: the library's typed exceptions and its argument checks. Anything else is a defect and ends
    /// the stream with an INTERNAL status.
    /// </summary>
    private static bool IsOperationFailure(Exception e) =>
        e is AsherahException or ArgumentException or FormatException or OperationCanceledException;

    private static SessionResponse Error(string message) =>
        new() { ErrorResponse = new ErrorResponse { Message = message } };
}

using Asherah.Server.Protocol;
using Google.Protobuf;
using Grpc.Core;

namespace Asherah.Server.Tests.Support;

/// <summary>One <c>Session</c> stream driven request by request: each call sends one request and reads its answer.</summary>
internal sealed class SessionCall : IDisposable
{
    private readonly AsyncDuplexStreamingCall<SessionRequest, SessionResponse> _call;

    public SessionCall(AppEncryption.AppEncryptionClient client, CancellationToken cancellationToken = default)
    {
        _call = client.Session(cancellationToken: cancellationToken);
    }

    public AsyncDuplexStreamingCall<SessionRequest, SessionResponse> Call => _call;

    public Task<SessionResponse> GetSessionAsync(string partition) =>
        SendAsync(new SessionRequest { GetSession = new GetSession { PartitionId = partition } });

    public Task<SessionResponse> EncryptAsync(byte[] data) =>
        SendAsync(new SessionRequest { Encrypt = new Encrypt { Data = ByteString.CopyFrom(data) } });

    public Task<SessionResponse> DecryptAsync(Protocol.DataRowRecord record) =>
        SendAsync(new SessionRequest { Decrypt = new Decrypt { DataRowRecord = record } });

    public async Task<SessionResponse> SendAsync(SessionRequest request)
    {
        await _call.RequestStream.WriteAsync(request);
        if (!await _call.ResponseStream.MoveNext(CancellationToken.None))
        {
            throw new InvalidOperationException("The server ended the stream without an answer.");
        }

        return _call.ResponseStream.Current;
    }

    /// <summary>Half-closes and waits for the server's status.</summary>
    public async Task<Status> CompleteAsync()
    {
        await _call.RequestStream.CompleteAsync();
        while (await _call.ResponseStream.MoveNext(CancellationToken.None))
        {
        }

        return _call.GetStatus();
    }

    public void Dispose() => _call.Dispose();
}

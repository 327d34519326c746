using Asherah.Server.Protocol;
using Asherah.Server.Streaming;
using Asherah.Server.Tests.Support;
using Google.Protobuf;
using Grpc.Core;

namespace Asherah.Server.Tests.Attack;

/// <summary>
/// A client that sends bytes which are no <c>SessionRequest</c> (a hand-rolled encoder, a truncated frame, a partition id
/// that is not UTF-8): the stream ends with INTERNAL and grpc-go's words, its session is released, and the server goes on.
/// </summary>
public sealed class MalformedMessageTests : IAsyncLifetime
{
    // The Session method with raw bytes in and out, so the client can send what the generated code never would.
    private static readonly Method<byte[], byte[]> RawSession = new(
        MethodType.DuplexStreaming, "asherah.apps.server.AppEncryption", "Session", Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));

    private InProcessServer _server = null!;

    public async Task InitializeAsync() => _server = await InProcessServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, byte[]> Malformed => new()
    {
        // get_session (field 3) { partition_id (field 1): bytes FF FE }: proto3 strings must be UTF-8.
        { "String is invalid UTF-8", [0x1a, 0x04, 0x0a, 0x02, 0xff, 0xfe] },
        // get_session announcing 127 bytes and carrying one.
        { "input ended unexpectedly", [0x1a, 0x7f, 0x0a] },
        { "input ended unexpectedly", [0xff, 0xff, 0xff, 0xff] },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task BytesThatAreNoSessionRequest_EndTheStreamWithInternal_AndReleaseItsSession(string reason, byte[] message)
    {
        var channel = _server.CreateChannel(_server.SocketPath);
        using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(RawSession, null, default);
        await call.RequestStream.WriteAsync(new SessionRequest { GetSession = new GetSession { PartitionId = "malformed" } }.ToByteArray());
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(SessionResponse.ResponseOneofCase.None, SessionResponse.Parser.ParseFrom(call.ResponseStream.Current).ResponseCase);
        Assert.Equal(1, _server.Tracker.OpenSessions);

        await call.RequestStream.WriteAsync(message);
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.StartsWith(SessionMessages.Unparsable, error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(reason, error.Status.Detail, StringComparison.Ordinal);

        await _server.WaitForIdleAsync();
        using var next = new SessionCall(new AppEncryption.AppEncryptionClient(channel));
        await next.GetSessionAsync("malformed");
        Assert.Equal(SessionResponse.ResponseOneofCase.EncryptResponse, (await next.EncryptAsync([1])).ResponseCase);
        Assert.Equal(StatusCode.OK, (await next.CompleteAsync()).StatusCode);
    }

    [Fact]
    public async Task UnknownFieldsAndAnEmptyNestedRequest_AreAnsweredLikeTheirKnownParts()
    {
        // decrypt (field 2) holding a nested unknown field only: a Decrypt with no record, before any GetSession.
        var channel = _server.CreateChannel(_server.SocketPath);
        using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(RawSession, null, default);
        await call.RequestStream.WriteAsync([0x12, 0x02, 0x78, 0x01]);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(SessionMessages.NotInitialized, SessionResponse.Parser.ParseFrom(call.ResponseStream.Current).ErrorResponse.Message);
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }
}

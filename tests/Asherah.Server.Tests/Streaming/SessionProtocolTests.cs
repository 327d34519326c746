using System.Text;
using Asherah.Server.Protocol;
using Asherah.Server.Streaming;
using Asherah.Server.Tests.Support;
using Grpc.Core;

namespace Asherah.Server.Tests.Streaming;

/// <summary>The protocol over a real Unix socket, with Grpc.Net.Client: answers, canonical error texts, cross-reading.</summary>
public sealed class SessionProtocolTests : IAsyncLifetime
{
    private InProcessServer _server = null!;

    public async Task InitializeAsync() => _server = await InProcessServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task GetSession_ThenEncryptAndDecrypt_RoundTrips()
    {
        using var call = new SessionCall(_server.CreateClient());
        var opened = await call.GetSessionAsync("user-1");
        Assert.Equal(SessionResponse.ResponseOneofCase.None, opened.ResponseCase);

        var payload = Encoding.UTF8.GetBytes("my secret");
        var encrypted = await call.EncryptAsync(payload);
        Assert.Equal(SessionResponse.ResponseOneofCase.EncryptResponse, encrypted.ResponseCase);
        var record = encrypted.EncryptResponse.DataRowRecord;
        Assert.Equal($"_IK_user-1_{InProcessServer.Service}_{InProcessServer.Product}", record.Key.ParentKeyMeta.KeyId);
        Assert.Equal(payload.Length + 16 + 12, record.Data.Length);

        var decrypted = await call.DecryptAsync(record);
        Assert.Equal(SessionResponse.ResponseOneofCase.DecryptResponse, decrypted.ResponseCase);
        Assert.Equal(payload, decrypted.DecryptResponse.Data.ToByteArray());
        Assert.Equal(StatusCode.OK, (await call.CompleteAsync()).StatusCode);
    }

    [Fact]
    public async Task ServerRecords_DecryptInTheLibrary_AndLibraryRecordsThroughTheServer()
    {
        using var factory = _server.CreateLibraryFactory();
        using var session = factory.GetSessionBytes("tenant-7");
        using var call = new SessionCall(_server.CreateClient());
        await call.GetSessionAsync("tenant-7");

        var fromServer = (await call.EncryptAsync("written by the sidecar"u8.ToArray())).EncryptResponse.DataRowRecord;
        Assert.Equal("written by the sidecar"u8.ToArray(), session.Decrypt(ToJson(fromServer)));

        var fromLibrary = Asherah.DataRowRecord.Parse(session.Encrypt("written by the library"u8.ToArray()));
        var answer = await call.DecryptAsync(ProtoRecords.ToProto(fromLibrary));
        Assert.Equal("written by the library"u8.ToArray(), answer.DecryptResponse.Data.ToByteArray());
    }

    [Fact]
    public async Task EncryptBeforeGetSession_AnswersNotInitialized_AndTheStreamGoesOn()
    {
        using var call = new SessionCall(_server.CreateClient());
        var refused = await call.EncryptAsync([1, 2, 3]);
        Assert.Equal(SessionMessages.NotInitialized, refused.ErrorResponse.Message);
        Assert.Equal("session not yet initialized", refused.ErrorResponse.Message);
        var refusedDecrypt = await call.DecryptAsync(new Protocol.DataRowRecord());
        Assert.Equal("session not yet initialized", refusedDecrypt.ErrorResponse.Message);

        Assert.Equal(SessionResponse.ResponseOneofCase.None, (await call.GetSessionAsync("late")).ResponseCase);
        Assert.Equal(SessionResponse.ResponseOneofCase.EncryptResponse, (await call.EncryptAsync([1, 2, 3])).ResponseCase);
        Assert.Equal(StatusCode.OK, (await call.CompleteAsync()).StatusCode);
    }

    [Fact]
    public async Task SecondGetSession_AnswersAlreadyInitialized_AndKeepsTheFirstPartition()
    {
        using var call = new SessionCall(_server.CreateClient());
        await call.GetSessionAsync("first");
        var second = await call.GetSessionAsync("second");
        Assert.Equal("session has already been initialized", second.ErrorResponse.Message);

        var record = (await call.EncryptAsync([9])).EncryptResponse.DataRowRecord;
        Assert.StartsWith("_IK_first_", record.Key.ParentKeyMeta.KeyId, StringComparison.Ordinal);
        Assert.Equal(StatusCode.OK, (await call.CompleteAsync()).StatusCode);
    }

    [Fact]
    public async Task FailedGetSession_AnswersWithAnError_AndAllowsAnotherTry()
    {
        using var call = new SessionCall(_server.CreateClient());
        var refused = await call.GetSessionAsync("   ");
        Assert.Equal(SessionResponse.ResponseOneofCase.ErrorResponse, refused.ResponseCase);
        Assert.Contains("partition", refused.ErrorResponse.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("session not yet initialized", (await call.EncryptAsync([1])).ErrorResponse.Message);
        Assert.Equal(SessionResponse.ResponseOneofCase.None, (await call.GetSessionAsync("ok")).ResponseCase);
        Assert.Equal(1, _server.Tracker.OpenSessions);
    }

    [Fact]
    public async Task EmptyRequest_AnswersWithAnError()
    {
        using var call = new SessionCall(_server.CreateClient());
        var answer = await call.SendAsync(new SessionRequest());
        Assert.Equal(SessionMessages.EmptyRequest, answer.ErrorResponse.Message);
    }

    [Fact]
    public async Task RecordOfAnotherPartition_AnswersWithAnError_AndTheStreamGoesOn()
    {
        using var writer = new SessionCall(_server.CreateClient());
        await writer.GetSessionAsync("alice");
        var record = (await writer.EncryptAsync("alice's"u8.ToArray())).EncryptResponse.DataRowRecord;

        using var reader = new SessionCall(_server.CreateClient());
        await reader.GetSessionAsync("bob");
        var refused = await reader.DecryptAsync(record);
        Assert.Equal(SessionResponse.ResponseOneofCase.ErrorResponse, refused.ResponseCase);
        Assert.NotEmpty(refused.ErrorResponse.Message);
        Assert.DoesNotContain("alice's", refused.ErrorResponse.Message, StringComparison.Ordinal);

        var own = (await reader.EncryptAsync("bob's"u8.ToArray())).EncryptResponse.DataRowRecord;
        Assert.Equal("bob's"u8.ToArray(), (await reader.DecryptAsync(own)).DecryptResponse.Data.ToByteArray());
    }

    [Fact]
    public async Task DamagedRecords_AnswerWithErrors_AndTheStreamGoesOn()
    {
        using var call = new SessionCall(_server.CreateClient());
        await call.GetSessionAsync("damaged");
        var record = (await call.EncryptAsync("payload"u8.ToArray())).EncryptResponse.DataRowRecord;

        var flippedData = record.Clone();
        var data = flippedData.Data.ToByteArray();
        data[0] ^= 1;
        flippedData.Data = Google.Protobuf.ByteString.CopyFrom(data);

        var flippedKey = record.Clone();
        var key = flippedKey.Key.Key.ToByteArray();
        key[^1] ^= 0x80;
        flippedKey.Key.Key = Google.Protobuf.ByteString.CopyFrom(key);

        var noKey = record.Clone();
        noKey.Key = null;
        var noParent = record.Clone();
        noParent.Key.ParentKeyMeta = null;
        var unknownKey = record.Clone();
        unknownKey.Key.ParentKeyMeta.Created += 3600;
        var outOfRange = record.Clone();
        outOfRange.Key.Created = long.MaxValue;

        foreach (var damaged in new[] { flippedData, flippedKey, noKey, noParent, unknownKey, outOfRange })
        {
            var answer = await call.DecryptAsync(damaged);
            Assert.Equal(SessionResponse.ResponseOneofCase.ErrorResponse, answer.ResponseCase);
            Assert.NotEmpty(answer.ErrorResponse.Message);
        }

        Assert.Equal("the data row record has no key", (await call.DecryptAsync(noKey)).ErrorResponse.Message);
        Assert.Equal("payload"u8.ToArray(), (await call.DecryptAsync(record)).DecryptResponse.Data.ToByteArray());
        Assert.Equal(StatusCode.OK, (await call.CompleteAsync()).StatusCode);
    }

    [Fact]
    public async Task MessageOverTheSizeLimit_EndsThatStreamWithResourceExhausted_AndTheServerKeepsServing()
    {
        var client = _server.CreateClient();
        using (var call = new SessionCall(client))
        {
            await call.GetSessionAsync("big");
            var big = new SessionRequest { Encrypt = new Encrypt { Data = Google.Protobuf.ByteString.CopyFrom(new byte[5 * 1024 * 1024]) } };
            try
            {
                await call.Call.RequestStream.WriteAsync(big);
            }
            catch (RpcException)
            {
                // The server may reset the stream while the message is still being written; its status is read below.
            }

            var error = await Assert.ThrowsAsync<RpcException>(() => call.Call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        }

        using var next = new SessionCall(client);
        await next.GetSessionAsync("big");
        // Its record (payload + 28 bytes of tag and nonce + the wrapped key and ids) must fit the limit too.
        var almost = new byte[(4 * 1024 * 1024) - 1024];
        var record = (await next.EncryptAsync(almost)).EncryptResponse.DataRowRecord;
        Assert.Equal(almost.Length, (await next.DecryptAsync(record)).DecryptResponse.Data.Length);
        Assert.Equal(StatusCode.OK, (await next.CompleteAsync()).StatusCode);
        await _server.WaitForIdleAsync();
    }

    private static byte[] ToJson(Protocol.DataRowRecord record) =>
        ProtoRecords.FromProto(record, out _)!.ToUtf8Json();
}

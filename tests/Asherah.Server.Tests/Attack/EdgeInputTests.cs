using Asherah.Server.Protocol;
using Asherah.Server.Streaming;
using Asherah.Server.Tests.Support;
using Google.Protobuf;
using Grpc.Core;

namespace Asherah.Server.Tests.Attack;

/// <summary>
/// Well-formed requests at the edges of what a client may send: odd partition ids, empty payloads and records, requests
/// pipelined ahead of their answers, hundreds of streams at once or abandoned before their first answer.
/// </summary>
public sealed class EdgeInputTests : IAsyncLifetime
{
    private InProcessServer _server = null!;

    public async Task InitializeAsync() => _server = await InProcessServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task EmptyPartitionId_AnswersWithAnError_WithoutInternals_AndAllowsAnotherTry()
    {
        using var call = new SessionCall(_server.CreateClient());
        var refused = await call.GetSessionAsync(string.Empty);
        Assert.Equal(SessionResponse.ResponseOneofCase.ErrorResponse, refused.ResponseCase);
        Assert.Contains("partition id", refused.ErrorResponse.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", refused.ErrorResponse.Message, StringComparison.Ordinal);
        Assert.Equal(0, _server.Tracker.OpenSessions);
        Assert.Equal(SessionResponse.ResponseOneofCase.None, (await call.GetSessionAsync("after-empty")).ResponseCase);
        Assert.Equal(StatusCode.OK, (await call.CompleteAsync()).StatusCode);
    }

    [Theory]
    [InlineData("ünïcødé")]
    [InlineData("😀 emoji")]
    [InlineData("nul\0inside")]
    [InlineData("under_score")]
    [InlineData("行 ١٢٣ \u200d")]
    public async Task UnicodePartitionIds_RoundTrip_AndReadInTheLibrary(string partition)
    {
        using var call = new SessionCall(_server.CreateClient());
        Assert.Equal(SessionResponse.ResponseOneofCase.None, (await call.GetSessionAsync(partition)).ResponseCase);
        var record = (await call.EncryptAsync("unicode"u8.ToArray())).EncryptResponse.DataRowRecord;
        Assert.Equal($"_IK_{partition}_{InProcessServer.Service}_{InProcessServer.Product}", record.Key.ParentKeyMeta.KeyId);
        Assert.Equal("unicode"u8.ToArray(), (await call.DecryptAsync(record)).DecryptResponse.Data.ToByteArray());

        using var factory = _server.CreateLibraryFactory();
        using var session = factory.GetSessionBytes(partition);
        Assert.Equal("unicode"u8.ToArray(), session.Decrypt(ProtoRecords.FromProto(record, out _)!.ToUtf8Json()));
        Assert.Equal(StatusCode.OK, (await call.CompleteAsync()).StatusCode);
    }

    [Fact]
    public async Task OneMegabytePartitionId_IsServed_AndTheStreamEndsCleanly()
    {
        using var call = new SessionCall(_server.CreateClient());
        var partition = new string('p', 1024 * 1024);
        Assert.Equal(SessionResponse.ResponseOneofCase.None, (await call.GetSessionAsync(partition)).ResponseCase);
        var record = (await call.EncryptAsync([1, 2, 3])).EncryptResponse.DataRowRecord;
        Assert.Equal([1, 2, 3], (await call.DecryptAsync(record)).DecryptResponse.Data.ToByteArray());
        Assert.Equal(StatusCode.OK, (await call.CompleteAsync()).StatusCode);
        await _server.WaitForIdleAsync();
    }

    [Fact]
    public async Task EmptyPayloads_AndEmptyMessages_AreAnsweredOneByOne()
    {
        using var call = new SessionCall(_server.CreateClient());
        await call.GetSessionAsync("empty");

        // An Encrypt with no data field is an empty payload (proto3), as canonical reads it.
        var fromEmpty = (await call.SendAsync(new SessionRequest { Encrypt = new Encrypt() })).EncryptResponse.DataRowRecord;
        Assert.Equal(28, fromEmpty.Data.Length);
        Assert.True((await call.DecryptAsync(fromEmpty)).DecryptResponse.Data.IsEmpty);

        Assert.Equal("the data row record has no key", (await call.SendAsync(new SessionRequest { Decrypt = new Decrypt() })).ErrorResponse.Message);
        Assert.Equal("the data row record has no key", (await call.DecryptAsync(new Protocol.DataRowRecord())).ErrorResponse.Message);

        var record = (await call.EncryptAsync("x"u8.ToArray())).EncryptResponse.DataRowRecord;
        foreach (var damage in new Action<Protocol.DataRowRecord>[]
        {
            r => r.Data = ByteString.Empty,
            r => r.Key.Key = ByteString.Empty,
            r => r.Key.ParentKeyMeta.KeyId = string.Empty,
            r => r.Key.ParentKeyMeta.KeyId = $"_SK_{InProcessServer.Service}_{InProcessServer.Product}",
            r => r.Key.ParentKeyMeta.KeyId = new string('k', 100_000),
            r => r.Key.ParentKeyMeta.Created = long.MinValue,
            r => r.Key.Key = ByteString.CopyFrom(new byte[5000]),
        })
        {
            var damaged = record.Clone();
            damage(damaged);
            var answer = await call.DecryptAsync(damaged);
            Assert.Equal(SessionResponse.ResponseOneofCase.ErrorResponse, answer.ResponseCase);
            Assert.True(answer.ErrorResponse.Message.Length is > 0 and < 400, answer.ErrorResponse.Message);
            Assert.DoesNotContain("Exception", answer.ErrorResponse.Message, StringComparison.Ordinal);
        }

        Assert.Equal("x"u8.ToArray(), (await call.DecryptAsync(record)).DecryptResponse.Data.ToByteArray());
        Assert.Equal(StatusCode.OK, (await call.CompleteAsync()).StatusCode);
    }

    [Fact]
    public async Task RequestsPipelinedThenHalfClosed_AreAllAnsweredInOrder_ThenOk()
    {
        using var call = new SessionCall(_server.CreateClient());
        var writes = call.Call.RequestStream;
        await writes.WriteAsync(new SessionRequest { Encrypt = new Encrypt { Data = ByteString.CopyFrom([0]) } });
        await writes.WriteAsync(new SessionRequest { GetSession = new GetSession { PartitionId = "pipelined" } });
        for (int i = 0; i < 200; i++)
        {
            await writes.WriteAsync(new SessionRequest { Encrypt = new Encrypt { Data = ByteString.CopyFrom(BitConverter.GetBytes(i)) } });
        }

        await writes.WriteAsync(new SessionRequest());
        await writes.CompleteAsync();

        var answers = new List<SessionResponse>();
        while (await call.Call.ResponseStream.MoveNext(CancellationToken.None))
        {
            answers.Add(call.Call.ResponseStream.Current);
        }

        Assert.Equal(203, answers.Count);
        Assert.Equal(SessionMessages.NotInitialized, answers[0].ErrorResponse.Message);
        Assert.Equal(SessionResponse.ResponseOneofCase.None, answers[1].ResponseCase);
        Assert.All(answers.Skip(2).Take(200), a => Assert.Equal(SessionResponse.ResponseOneofCase.EncryptResponse, a.ResponseCase));
        Assert.Equal(SessionMessages.EmptyRequest, answers[^1].ErrorResponse.Message);
        Assert.Equal(StatusCode.OK, call.Call.GetStatus().StatusCode);
        await _server.WaitForIdleAsync();
    }

    [Fact]
    public async Task FiveHundredStreamsAtOnce_OnFiveConnections_AllServed_ThenAllReleased()
    {
        var clients = Enumerable.Range(0, 5).Select(_ => _server.CreateClient()).ToArray();
        var calls = Enumerable.Range(0, 500).Select(i => new SessionCall(clients[i % 5])).ToList();
        try
        {
            await Task.WhenAll(calls.Select(async (call, i) =>
            {
                await call.GetSessionAsync($"crowd-{i % 50}");
                var record = (await call.EncryptAsync(BitConverter.GetBytes(i))).EncryptResponse.DataRowRecord;
                Assert.Equal(BitConverter.GetBytes(i), (await call.DecryptAsync(record)).DecryptResponse.Data.ToByteArray());
            }));
            Assert.Equal(500, _server.Tracker.OpenSessions);
            Assert.Equal(500, _server.Tracker.ActiveStreams);
            await Task.WhenAll(calls.Select(async call => Assert.Equal(StatusCode.OK, (await call.CompleteAsync()).StatusCode)));
        }
        finally
        {
            calls.ForEach(c => c.Dispose());
        }

        await _server.WaitForIdleAsync();
    }

    [Fact]
    public async Task StreamsAbandonedBeforeAnyAnswer_AreAllReleased()
    {
        var client = _server.CreateClient();
        var calls = new List<SessionCall>();
        for (int i = 0; i < 300; i++)
        {
            var call = new SessionCall(client);
            calls.Add(call);
            // Half of them with a request on its way that is never read, half with nothing sent at all.
            if (i % 2 == 0)
            {
                await call.Call.RequestStream.WriteAsync(new SessionRequest { GetSession = new GetSession { PartitionId = $"unread-{i}" } });
            }
        }

        calls.ForEach(c => c.Dispose());
        await _server.WaitForIdleAsync();
        Assert.Equal(0, _server.Tracker.OpenSessions);
    }
}

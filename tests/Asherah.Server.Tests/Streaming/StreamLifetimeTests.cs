using Asherah.Server.Protocol;
using Asherah.Server.Tests.Support;
using Grpc.Core;

namespace Asherah.Server.Tests.Streaming;

/// <summary>
/// Streams that end badly: cancelled mid-stream, abandoned by the hundred, dropped with their connection. Sessions are
/// released and secure memory returns to its baseline (process-wide figures, hence a collection of its own that runs
/// alone), and the server keeps serving.
/// </summary>
[Collection(SecureMemoryCollection.Name)]
public sealed class StreamLifetimeTests : IAsyncLifetime
{
    private InProcessServer _server = null!;

    public async Task InitializeAsync() => _server = await InProcessServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ClientCancellingMidStream_ReleasesTheSession()
    {
        using var cancel = new CancellationTokenSource();
        using var call = new SessionCall(_server.CreateClient(), cancel.Token);
        await call.GetSessionAsync("cancelled");
        await call.EncryptAsync([1, 2, 3]);
        Assert.Equal(1, _server.Tracker.OpenSessions);

        // A request on its way when the client gives up.
        await call.Call.RequestStream.WriteAsync(new SessionRequest { Encrypt = new Encrypt { Data = Google.Protobuf.ByteString.CopyFrom([4, 5]) } });
        await cancel.CancelAsync();
        var error = await Assert.ThrowsAnyAsync<RpcException>(() => call.Call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);

        await _server.WaitForIdleAsync();
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task ManyStreamsOpenedAndAbandoned_ReleaseEverySession_AndSecureMemoryReturnsToBaseline()
    {
        // Warm up: the system key is cached by the factory for its lifetime, so the baseline is taken after a first use.
        await AssertStillServesAsync();
        await _server.WaitForIdleAsync();
        var baselineBuffers = SecureMemoryStatistics.AllocatedBuffers;

        var channels = new List<Grpc.Net.Client.GrpcChannel>();
        var calls = new List<SessionCall>();
        for (int i = 0; i < 200; i++)
        {
            // Every tenth stream on a connection of its own that is then dropped whole; the rest each on a client of their own.
            AppEncryption.AppEncryptionClient client;
            if (i % 10 == 0)
            {
                var channel = InProcessServer.Channel(_server.SocketPath);
                channels.Add(channel);
                client = new AppEncryption.AppEncryptionClient(channel);
            }
            else
            {
                client = _server.CreateClient();
            }

            var call = new SessionCall(client);
            calls.Add(call);
            await call.GetSessionAsync($"abandoned-{i}");
            if (i % 2 == 0)
            {
                await call.EncryptAsync([(byte)i]);
            }
        }

        Assert.Equal(200, _server.Tracker.OpenSessions);
        Assert.True(SecureMemoryStatistics.AllocatedBuffers > baselineBuffers, "the sessions' intermediate keys should be cached in secure memory");

        // Abandon them: dispose the calls (a reset per stream) and the dedicated connections (a dropped socket).
        foreach (var call in calls)
        {
            call.Dispose();
        }

        foreach (var channel in channels)
        {
            channel.Dispose();
        }

        await _server.WaitForIdleAsync();
        Assert.Equal(0, _server.Tracker.OpenSessions);
        Assert.Equal(baselineBuffers, SecureMemoryStatistics.AllocatedBuffers);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task SixtyFourConcurrentStreams_AllSucceed()
    {
        var client = _server.CreateClient();
        var streams = Enumerable.Range(0, 64).Select(async i =>
        {
            using var call = new SessionCall(client);
            await call.GetSessionAsync($"concurrent-{i % 8}");
            for (int n = 0; n < 50; n++)
            {
                var payload = BitConverter.GetBytes((i * 1000) + n);
                var encrypted = await call.EncryptAsync(payload);
                Assert.Equal(SessionResponse.ResponseOneofCase.EncryptResponse, encrypted.ResponseCase);
                var decrypted = await call.DecryptAsync(encrypted.EncryptResponse.DataRowRecord);
                Assert.Equal(payload, decrypted.DecryptResponse.Data.ToByteArray());
            }

            Assert.Equal(StatusCode.OK, (await call.CompleteAsync()).StatusCode);
        });
        await Task.WhenAll(streams);
        await _server.WaitForIdleAsync();
    }

    private async Task AssertStillServesAsync()
    {
        using var call = new SessionCall(_server.CreateClient());
        await call.GetSessionAsync("still-serving");
        var record = (await call.EncryptAsync("ok"u8.ToArray())).EncryptResponse.DataRowRecord;
        Assert.Equal("ok"u8.ToArray(), (await call.DecryptAsync(record)).DecryptResponse.Data.ToByteArray());
        Assert.Equal(StatusCode.OK, (await call.CompleteAsync()).StatusCode);
    }
}

/// <summary>Tests that read process-wide secure-memory figures: they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SecureMemoryCollection
{
    public const string Name = "secure memory figures";
}

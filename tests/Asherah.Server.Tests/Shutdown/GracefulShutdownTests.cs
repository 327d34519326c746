using Asherah.Server.Protocol;
using Asherah.Server.Streaming;
using Asherah.Server.Tests.Support;
using Grpc.Core;

namespace Asherah.Server.Tests.Shutdown;

/// <summary>SIGTERM to a real server process: open streams finish, new ones are refused, the process exits 0.</summary>
public sealed class GracefulShutdownTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("asherah-server-sigterm.");

    public void Dispose() => _directory.Delete(recursive: true);

    private Dictionary<string, string?> Environment => new()
    {
        ["ASHERAH_DATA_DIR"] = Path.Combine(_directory.FullName, "data"),
        ["ASHERAH_SERVICE_NAME"] = "sigterm",
        ["ASHERAH_PRODUCT_NAME"] = "tests",
    };

    [Fact]
    public async Task Sigterm_LetsAnOpenStreamFinish_RefusesNewOnes_AndExitsZero()
    {
        var socket = Path.Combine(_directory.FullName, "s.sock");
        await using var server = await ServerProcess.StartAsync(socket, Environment, "--shutdown-grace", "30s");
        using var channel = InProcessServer.Channel(socket);
        var client = new AppEncryption.AppEncryptionClient(channel);
        using var call = new SessionCall(client);
        await call.GetSessionAsync("in-flight");
        var record = (await call.EncryptAsync("before"u8.ToArray())).EncryptResponse.DataRowRecord;

        // A request sent before the signal, answered after it.
        await call.Call.RequestStream.WriteAsync(new SessionRequest { Decrypt = new Decrypt { DataRowRecord = record } });
        server.Terminate();
        Assert.True(await call.Call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal("before"u8.ToArray(), call.Call.ResponseStream.Current.DecryptResponse.Data.ToByteArray());

        // New connections are refused once the listener closes; the open stream keeps working meanwhile.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (await server.AcceptsAsync())
        {
            await Task.Delay(20, timeout.Token);
        }

        using (var refusedChannel = InProcessServer.Channel(socket))
        {
            var refused = new SessionCall(new AppEncryption.AppEncryptionClient(refusedChannel));
            var error = await Assert.ThrowsAsync<RpcException>(() => refused.GetSessionAsync("too-late"));
            Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        }

        Assert.Equal("after"u8.ToArray(), (await call.DecryptAsync((await call.EncryptAsync("after"u8.ToArray())).EncryptResponse.DataRowRecord)).DecryptResponse.Data.ToByteArray());
        Assert.False(server.HasExited);

        // The client closes its stream: the server has nothing left and exits at once, with 0.
        Assert.Equal(StatusCode.OK, (await call.CompleteAsync()).StatusCode);
        Assert.Equal(0, await server.WaitForExitAsync());
        Assert.False(File.Exists(socket), "the socket file should be removed on exit");
        Assert.Contains("Shutdown signal received", server.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_EndsStreamsStillOpenAfterTheGracePeriod_WithUnavailable_AndExitsZero()
    {
        var socket = Path.Combine(_directory.FullName, "g.sock");
        await using var server = await ServerProcess.StartAsync(socket, Environment, "--shutdown-grace=1s");
        using var channel = InProcessServer.Channel(socket);
        using var call = new SessionCall(new AppEncryption.AppEncryptionClient(channel));
        await call.GetSessionAsync("idle");

        server.Terminate();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.Call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(SessionMessages.ShuttingDown, error.Status.Detail);
        Assert.Equal(0, await server.WaitForExitAsync());
    }
}

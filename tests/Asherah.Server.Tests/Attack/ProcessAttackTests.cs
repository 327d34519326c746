using Asherah.Server.Protocol;
using Asherah.Server.Tests.Support;
using Asherah.Tools.Hosting;
using Grpc.Core;

namespace Asherah.Server.Tests.Attack;

/// <summary>
/// The server process against hostile surroundings: socket paths it cannot use, and clients that drop streams or keep
/// many in flight when SIGTERM comes. It exits with a code and one clear line, never an unhandled exception.
/// </summary>
public sealed class ProcessAttackTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("asherah-server-attack.");

    public void Dispose() => _directory.Delete(recursive: true);

    private Dictionary<string, string?> Environment => new()
    {
        ["ASHERAH_DATA_DIR"] = Path.Combine(_directory.FullName, "data"),
        ["ASHERAH_SERVICE_NAME"] = "attack",
        ["ASHERAH_PRODUCT_NAME"] = "tests",
    };

    [Fact]
    public async Task SocketInADirectoryNoOneCanWrite_ExitsOne_WithOneClearLine()
    {
        // /proc/self refuses new entries even to root, so this holds however the tests run.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync("/proc/self/attack.sock", Environment));
        Assert.Contains("exited with 1 ", error.Message, StringComparison.Ordinal);
        Assert.Contains("asherah-server: cannot start: Cannot listen on the socket file '/proc/self/attack.sock'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SocketPathLongerThanTheKernelTakes_IsAUsageError_NamingTheLimit()
    {
        // A usage error from Build is exit code 2 with its message (Program.cs); Kestrel would throw an unhandled
        // ArgumentOutOfRangeException while configuring.
        var socket = Path.Combine(_directory.FullName, new string('s', 120) + ".sock");
        var error = Assert.Throws<InvalidSettingException>(() => AsherahServer.Build(
            new Dictionary<string, string?> { ["AsherahServer:SocketFile"] = socket, ["Asherah:Metastore"] = "memory", ["Asherah:StaticMasterKey"] = InProcessServer.MasterKey },
            _ => null));
        Assert.Contains("--socket-file (AsherahServer:SocketFile) must be a path of at most 107 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RelativeSocketPath_IsTakenFromTheWorkingDirectory_AsCanonical()
    {
        var socket = Path.Combine(_directory.FullName, "relative.sock");
        var relative = Path.GetRelativePath(System.Environment.CurrentDirectory, socket);
        Assert.False(Path.IsPathRooted(relative));
        var app = AsherahServer.Build(
            new Dictionary<string, string?> { ["AsherahServer:SocketFile"] = relative, ["Asherah:Metastore"] = "memory", ["Asherah:StaticMasterKey"] = InProcessServer.MasterKey },
            _ => null);
        await using (app)
        {
            await AsherahServer.StartAsync(app);
            using var channel = InProcessServer.Channel(socket);
            using var call = new SessionCall(new AppEncryption.AppEncryptionClient(channel));
            Assert.Equal(SessionResponse.ResponseOneofCase.None, (await call.GetSessionAsync("relative")).ResponseCase);
            Assert.Equal(StatusCode.OK, (await call.CompleteAsync()).StatusCode);
            await app.StopAsync();
        }
    }

    [Fact]
    public void SocketPathWithANulCharacter_IsAUsageError()
    {
        var error = Assert.Throws<InvalidSettingException>(() => AsherahServer.Build(
            new Dictionary<string, string?> { ["AsherahServer:SocketFile"] = "/tmp/a\0b.sock", ["Asherah:Metastore"] = "memory", ["Asherah:StaticMasterKey"] = InProcessServer.MasterKey },
            _ => null));
        Assert.Contains("--socket-file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SigtermWithManyStreamsInFlight_AnswersWhatWasRead_EndsTheRestCleanly_AndRemovesTheSocket()
    {
        var socket = Path.Combine(_directory.FullName, "busy.sock");
        await using var server = await ServerProcess.StartAsync(socket, Environment, "--shutdown-grace=1s");
        using var channel = InProcessServer.Channel(socket);
        var client = new AppEncryption.AppEncryptionClient(channel);
        var calls = Enumerable.Range(0, 40).Select(_ => new SessionCall(client)).ToList();
        try
        {
            foreach (var (call, i) in calls.Select((c, i) => (c, i)))
            {
                await call.GetSessionAsync($"busy-{i % 4}");
            }

            // Every stream has requests on their way when the signal comes; some are read and answered, the rest are not.
            foreach (var call in calls)
            {
                for (int n = 0; n < 20; n++)
                {
                    await call.Call.RequestStream.WriteAsync(new SessionRequest { Encrypt = new Encrypt { Data = Google.Protobuf.ByteString.CopyFrom(new byte[256]) } });
                }
            }

            server.Terminate();
            foreach (var call in calls)
            {
                try
                {
                    while (await call.Call.ResponseStream.MoveNext(CancellationToken.None))
                    {
                        Assert.Equal(SessionResponse.ResponseOneofCase.EncryptResponse, call.Call.ResponseStream.Current.ResponseCase);
                    }

                    Assert.Fail("a stream still open when the grace period ends should end with UNAVAILABLE, not OK");
                }
                catch (RpcException e)
                {
                    Assert.True(e.StatusCode == StatusCode.Unavailable, $"{e.Status} after {server.StandardError}");
                }
            }
        }
        finally
        {
            calls.ForEach(c => c.Dispose());
        }

        Assert.Equal(0, await server.WaitForExitAsync());
        Assert.False(File.Exists(socket), "the socket file should be removed on exit");
        Assert.DoesNotContain("Unhandled exception", server.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamsResetByTheirClient_LeaveNoStackTraceInTheLog()
    {
        var socket = Path.Combine(_directory.FullName, "quiet.sock");
        await using var server = await ServerProcess.StartAsync(socket, Environment);
        using var channel = InProcessServer.Channel(socket);
        var client = new AppEncryption.AppEncryptionClient(channel);
        for (int i = 0; i < 5; i++)
        {
            using var abandoned = new SessionCall(client);
            await abandoned.GetSessionAsync("abandoned");
        }

        // The resets travel ahead of this stream on the same connection, so the server has seen them when it answers.
        using var call = new SessionCall(client);
        await call.GetSessionAsync("after");
        Assert.Equal(StatusCode.OK, (await call.CompleteAsync()).StatusCode);
        server.Terminate();
        Assert.Equal(0, await server.WaitForExitAsync());
        Assert.DoesNotContain("Error reading message", server.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", server.StandardError, StringComparison.Ordinal);
    }
}

using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Asherah.Server.Tests.Support;

/// <summary>
/// The server as a separate process (<c>dotnet server/asherah-server.dll</c>, its own build output copied beside the
/// tests, or the binary in <c>ASHERAH_SERVER_BINARY</c>), with no <c>ASHERAH_*</c> variables but those given.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private ServerProcess(Process process, string socketPath)
    {
        _process = process;
        SocketPath = socketPath;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public string SocketPath { get; }

    public int Id => _process.Id;

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts the server on <paramref name="socketPath"/> and waits until the socket accepts connections.</summary>
    public static async Task<ServerProcess> StartAsync(string socketPath, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = Command();
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        start.UseShellExecute = false;
        start.ArgumentList.Add("--socket-file");
        start.ArgumentList.Add(socketPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ASHERAH_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var server = new ServerProcess(Process.Start(start)!, socketPath);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!await server.AcceptsAsync())
        {
            if (server._process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with {server._process.ExitCode} before listening:\n{server.StandardError}");
            }

            await Task.Delay(50, timeout.Token);
        }

        return server;
    }

    /// <summary>Whether a connection to the socket is accepted now.</summary>
    public async Task<bool> AcceptsAsync()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Sends SIGTERM, as a container runtime does to stop a sidecar.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits for the process to exit (at most a minute) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public bool HasExited => _process.HasExited;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static ProcessStartInfo Command()
    {
        if (Environment.GetEnvironmentVariable("ASHERAH_SERVER_BINARY") is { Length: > 0 } binary)
        {
            return new ProcessStartInfo(binary);
        }

        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet);
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "server", "asherah-server.dll"));
        return start;
    }
}

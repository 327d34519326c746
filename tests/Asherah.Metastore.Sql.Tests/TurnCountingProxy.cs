using System.Net;
using System.Net.Sockets;

namespace Asherah.Metastore.Sql.Tests;

/// <summary>
/// A loopback TCP relay in front of a database server that counts what crosses it: connections, and client turns (a
/// turn is the client sending after the server last spoke, so a request and its reply is one turn however many TCP
/// segments either takes). A client that waits for each reply before it sends again makes one round trip per turn.
/// </summary>
internal sealed class TurnCountingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _host;
    private readonly int _port;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private readonly Task _accepting;
    private int _connections;
    private long _turns;

    public TurnCountingProxy(string host, int port)
    {
        _host = host;
        _port = port;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The loopback port clients connect to instead of the server's.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections the clients opened so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Client turns so far, over all connections.</summary>
    public long Turns => Interlocked.Read(ref _turns);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            var server = new TcpClient { NoDelay = true };
            client.NoDelay = true;
            await server.ConnectAsync(_host, _port, _stop.Token);
            var turn = new StrongBox<bool>(false); // true while the client is speaking
            lock (_pumps)
            {
                _pumps.Add(PumpAsync(client, server, fromClient: true, turn));
                _pumps.Add(PumpAsync(server, client, fromClient: false, turn));
            }
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, bool fromClient, StrongBox<bool> clientSpeaking)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            var source = from.GetStream();
            var target = to.GetStream();
            int read;
            while ((read = await source.ReadAsync(buffer, _stop.Token)) > 0)
            {
                lock (clientSpeaking)
                {
                    if (fromClient && !clientSpeaking.Value)
                    {
                        Interlocked.Increment(ref _turns);
                    }

                    // The server's bytes are marked before they are forwarded, so the client's next request counts anew.
                    clientSpeaking.Value = fromClient;
                }

                await target.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // A connection closed by either side or by the proxy's disposal.
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] pumps;
        lock (_pumps)
        {
            pumps = [.. _pumps];
        }

        await Task.WhenAll(pumps);
        _stop.Dispose();
    }

    /// <summary>A mutable box shared by a connection's two pumps.</summary>
    private sealed class StrongBox<T>(T value)
    {
        public T Value { get; set; } = value;
    }
}

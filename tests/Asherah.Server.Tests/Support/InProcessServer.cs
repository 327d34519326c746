using System.Net.Sockets;
using Asherah.Metastore.Sql;
using Asherah.Server.Protocol;
using Asherah.Server.Streaming;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Asherah.Server.Tests.Support;

/// <summary>
/// The real server (Kestrel, gRPC, the hosting layer's session factory) in this process, on a Unix socket in a temporary
/// directory, over a SQLite metastore file and a fixed static master key that <see cref="CreateLibraryFactory"/> shares,
/// so records cross between the server and the library.
/// </summary>
public sealed class InProcessServer : IAsyncDisposable
{
    public const string Product = "server-tests";
    public const string Service = "sidecar";
    public const string MasterKey = "thisIsAStaticMasterKeyForTesting";

    private readonly WebApplication _app;
    private readonly List<GrpcChannel> _channels = [];

    private InProcessServer(string directory, WebApplication app)
    {
        Directory = directory;
        _app = app;
    }

    public string Directory { get; }

    public string SocketPath => Path.Combine(Directory, "app.sock");

    public string MetastorePath => Path.Combine(Directory, "metastore.db");

    internal SessionTracker Tracker => _app.Services.GetRequiredService<SessionTracker>();

    public static async Task<InProcessServer> StartAsync(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("asherah-server-tests.").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["AsherahServer:SocketFile"] = Path.Combine(directory, "app.sock"),
            ["Asherah:ProductId"] = Product,
            ["Asherah:ServiceId"] = Service,
            ["Asherah:Metastore"] = "sqlite",
            ["Asherah:ConnectionString"] = Path.Combine(directory, "metastore.db"),
            ["Asherah:Kms"] = "static",
            ["Asherah:StaticMasterKey"] = MasterKey,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = AsherahServer.Build(settings, _ => null);
        await AsherahServer.StartAsync(app);
        return new InProcessServer(directory, app);
    }

    /// <summary>A new client channel (its own HTTP/2 connection) over the Unix socket.</summary>
    internal AppEncryption.AppEncryptionClient CreateClient() => new(CreateChannel(SocketPath));

    /// <summary>A channel over the Unix socket at <paramref name="socketPath"/>; the caller disposes it.</summary>
    public GrpcChannel CreateChannel(string socketPath)
    {
        var channel = Channel(socketPath);
        lock (_channels)
        {
            _channels.Add(channel);
        }

        return channel;
    }

    /// <summary>A channel over a Unix socket; the caller disposes it.</summary>
    public static GrpcChannel Channel(string socketPath)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = handler, MaxReceiveMessageSize = null, MaxSendMessageSize = null });
    }

    /// <summary>A factory of the library over the server's metastore file and master key (the caller disposes it).</summary>
    public SessionFactory CreateLibraryFactory() =>
        SessionFactoryBuilder.FromOptions(
            new AsherahOptions
            {
                ProductId = Product,
                ServiceId = Service,
                Metastore = "sqlite",
                ConnectionString = MetastorePath,
                Kms = "static",
                StaticMasterKey = MasterKey,
            },
            new AsherahProviders().AddSqliteMetastore()).Build();

    /// <summary>Waits until the server holds no session and serves no stream (streams end asynchronously after a client goes).</summary>
    internal async Task WaitForIdleAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (Tracker.OpenSessions != 0 || Tracker.ActiveStreams != 0)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_channels)
        {
            foreach (var channel in _channels)
            {
                channel.Dispose();
            }
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

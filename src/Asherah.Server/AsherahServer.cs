using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Asherah.Tools.Hosting;
using Asherah.Server.Configuration;
using Asherah.Server.Diagnostics;
using Asherah.Server.Streaming;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Asherah.Server;

/// <summary>
/// Builds the server: Kestrel (HTTP/2 without TLS) on the Unix socket and optionally TCP, gRPC's
/// <see cref="AppEncryptionService"/>, and one <see cref="SessionFactory"/> from the core's hosting layer
/// (<c>AddAsherah(IConfiguration)</c> with the named providers <c>sqlite</c>, <c>postgres</c>, <c>mysql</c>,
/// <c>rdbms</c>, <c>dynamodb</c>, <c>memory</c>, <c>static</c> and <c>aws</c>).
/// </summary>
/// <remarks>
/// Configuration, later winning: <see cref="EmbeddedDefaults"/>, <c>appsettings.json</c> in the working directory (the
/// <c>Asherah</c> and <c>AsherahServer</c> sections), the process environment (<c>Asherah__ProductId</c>, ...), the
/// <c>ASHERAH_*</c> variables (canonical names), the command line. Built on <c>WebApplication.CreateSlimBuilder</c>, with
/// no reflection-based binding, so it publishes as NativeAOT.
/// </remarks>
internal static class AsherahServer
{
    /// <summary>The server's settings section.</summary>
    public const string Section = ServerCommandLine.Section;

    /// <summary>Builds the application; nothing listens until it is started.</summary>
    /// <param name="commandLine">The configuration keys the command line set.</param>
    /// <param name="getVariable">The environment (tests pass their own).</param>
    /// <param name="configure">Last changes to the options (tests).</param>
    /// <exception cref="InvalidSettingException">A setting is malformed or the socket path cannot be used.</exception>
    /// <exception cref="SetupException">The data directory or development key cannot be created.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An <c>Asherah</c> value cannot be parsed.</exception>
    public static WebApplication Build(IReadOnlyDictionary<string, string?> commandLine, Func<string, string?> getVariable, Action<AsherahOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = EmbeddedDefaults.Configuration() });
        builder.Configuration.AddAsherahEnvironmentVariables(getVariable);
        builder.Configuration.AddInMemoryCollection(commandLine);

        var settings = ReadSettings(builder.Configuration);
        var options = AsherahOptions.FromConfiguration(builder.Configuration);
        var developmentKey = EmbeddedDefaults.Complete(options, builder.Configuration[$"{Section}:DataDirectory"], getVariable);
        var createTable = Flag(builder.Configuration, $"{Section}:CreateTable");

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        // Grpc.AspNetCore logs every stream a client resets or drops ("Error reading message") at Information with a
        // stack trace; a client that abandons streams is routine, not news.
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        builder.Logging.AddFilter("Asherah", settings.Verbose ? LogLevel.Debug : LogLevel.Information);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The canonical (grpc-go) server puts no limit on streams per connection; clients that keep one channel and
            // open a stream per partition need many.
            kestrel.Limits.Http2.MaxStreamsPerConnection = 10_000;
            kestrel.ListenUnixSocket(settings.SocketFile, l => l.Protocols = HttpProtocols.Http2);
            if (settings.Listen is { } listen)
            {
                kestrel.Listen(ParseEndpoint(listen), l => l.Protocols = HttpProtocols.Http2);
            }
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownGrace + TimeSpan.FromSeconds(5));

        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = settings.MaxMessageSize;
            o.MaxSendMessageSize = null;
            o.EnableDetailedErrors = false;
        });
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<SessionTracker>();
        builder.Services.AddSingleton<ShutdownDrain>();
        builder.Services.AddAsherah(builder.Configuration, o =>
            {
                o.ConnectionString = options.ConnectionString;
                o.StaticMasterKeyFile = options.StaticMasterKeyFile;
                configure?.Invoke(o);
            })
            .AddSqliteMetastore()
            .AddDynamoDbMetastore()
            .AddAwsKms()
            .ConfigureProviders(p => p.AddServerMetastores(createTable));

        var app = builder.Build();
        app.MapGrpcService<AppEncryptionService>();

        var endpoints = "unix:" + settings.SocketFile + (settings.Listen is { } tcp ? ", tcp:" + tcp : string.Empty);
        var lifetime = app.Lifetime;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Asherah.Server");
        lifetime.ApplicationStarted.Register(() =>
        {
            if (developmentKey is not null)
            {
                ServerLog.DevelopmentKey(logger, developmentKey);
            }

            if (builder.Configuration["Asherah:ReplicaReadConsistency"] is { Length: > 0 } consistency)
            {
                ServerLog.ReplicaReadConsistencyIgnored(logger, consistency);
            }

            ServerLog.Listening(logger, endpoints, options.ProductId, options.ServiceId, options.Metastore, options.Kms);
        });
        lifetime.ApplicationStopping.Register(() => ServerLog.ShuttingDown(logger, settings.ShutdownGrace));
        return app;
    }

    /// <summary>Starts listening: removes a stale socket file first, then resolves (and so validates) the factory.</summary>
    public static async Task StartAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        var settings = app.Services.GetRequiredService<ServerSettings>();
        if (UnixSocketFile.RemoveIfStale(settings.SocketFile))
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Asherah.Server");
            ServerLog.StaleSocketRemoved(logger, settings.SocketFile);
        }

        // ValidateOnStart checks the options; building the factory here makes a bad key file or metastore name fail now,
        // before the socket accepts a stream.
        _ = app.Services.GetRequiredService<ShutdownDrain>();
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            // Kestrel lets the bind error of a Unix socket through as it is (a directory the process may not write in,
            // /proc): an IOException that names the path, not an unhandled exception.
            throw new IOException($"Cannot listen on the socket file '{settings.SocketFile}' (or --listen {settings.Listen ?? "unset"}): {e.Message}.", e);
        }

        _ = app.Services.GetRequiredService<SessionFactory>();
    }

    private static ServerSettings ReadSettings(IConfiguration configuration)
    {
        var socket = SocketPath(configuration[$"{Section}:SocketFile"] is { Length: > 0 } s ? s : ServerSettings.DefaultSocketFile);
        var listen = configuration[$"{Section}:Listen"] is { Length: > 0 } l ? l : null;
        if (listen is not null)
        {
            _ = ParseEndpoint(listen);
        }

        int maxMessageSize = ServerSettings.DefaultMaxMessageSize;
        if (configuration[$"{Section}:MaxMessageSize"] is { Length: > 0 } size
            && (!int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out maxMessageSize) || maxMessageSize < 1024))
        {
            throw new InvalidSettingException("--max-message-size (AsherahServer:MaxMessageSize) must be a number of bytes from 1024 to 2147483647.");
        }

        TimeSpan? grace = null;
        if (configuration[$"{Section}:ShutdownGrace"] is { Length: > 0 } g)
        {
            grace = GoDuration.TryParse(g, out var parsed) && parsed >= TimeSpan.Zero
                ? parsed
                : throw new InvalidSettingException("--shutdown-grace (AsherahServer:ShutdownGrace) must be a Go duration such as 10s or 1m30s.");
        }

        return new ServerSettings(socket, listen, maxMessageSize, grace, Flag(configuration, "Asherah:Verbose"));
    }

    /// <summary>
    /// The socket path made absolute (Kestrel refuses a relative one; canonical's Go server takes it relative to the
    /// working directory) and checked against the kernel's limit on <c>sun_path</c>.
    /// </summary>
    private static string SocketPath(string value)
    {
        string path;
        try
        {
            path = Path.GetFullPath(value);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new InvalidSettingException($"--socket-file (AsherahServer:SocketFile) is not a usable path: {e.Message}");
        }

        // sockaddr_un.sun_path holds 108 bytes on Linux (104 on macOS), its terminating NUL included.
        int bytes = System.Text.Encoding.UTF8.GetByteCount(path);
        int limit = OperatingSystem.IsLinux() ? 107 : 103;
        if (bytes > limit || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new InvalidSettingException($"--socket-file (AsherahServer:SocketFile) must be a path of at most {limit} bytes without NUL characters (the kernel's limit for a Unix socket); it is {bytes} bytes: choose a shorter path.");
        }

        return path;
    }

    private static bool Flag(IConfiguration configuration, string key) =>
        configuration[key] is { Length: > 0 } value && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));

    private static IPEndPoint ParseEndpoint(string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon > 0 && int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535)
        {
            var host = value[..colon].Trim('[', ']');
            if (host is "localhost")
            {
                return new IPEndPoint(IPAddress.Loopback, port);
            }

            if (host is "" or "*" or "0.0.0.0")
            {
                return new IPEndPoint(IPAddress.Any, port);
            }

            if (IPAddress.TryParse(host, out var address))
            {
                return new IPEndPoint(address, port);
            }
        }

        throw new InvalidSettingException($"--listen (AsherahServer:Listen) must be IP:PORT such as 127.0.0.1:50051; it is '{value}'.");
    }
}

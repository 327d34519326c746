namespace Asherah.Server;

/// <summary>
/// The settings of the server itself, beside the <c>Asherah</c> section that configures the session factory: where it
/// listens and how it ends.
/// </summary>
/// <param name="SocketFile">The Unix domain socket to listen on (<c>-s</c>/<c>--socket-file</c>; default <see cref="DefaultSocketFile"/>, as canonical).</param>
/// <param name="Listen">A TCP endpoint to listen on too, <c>HOST:PORT</c> (<c>--listen</c>); <see langword="null"/> for none.</param>
/// <param name="MaxMessageSize">The largest request message in bytes (<c>--max-message-size</c>; default 4 MiB, gRPC's default).</param>
/// <param name="Grace">How long open streams are served after a shutdown signal (<c>--shutdown-grace</c>); <see langword="null"/> for 10 s.</param>
/// <param name="Verbose">Log every session at Debug (<c>-v</c>/<c>--verbose</c>).</param>
internal sealed record ServerSettings(
    string SocketFile,
    string? Listen = null,
    int MaxMessageSize = ServerSettings.DefaultMaxMessageSize,
    TimeSpan? Grace = null,
    bool Verbose = false)
{
    /// <summary>The canonical server's default socket.</summary>
    public const string DefaultSocketFile = "/tmp/appencryption.sock";

    /// <summary>gRPC's default largest message: 4 MiB.</summary>
    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;

    /// <summary>The default grace period after a shutdown signal.</summary>
    public static readonly TimeSpan DefaultShutdownGrace = TimeSpan.FromSeconds(10);

    /// <summary>How long open streams are served after a shutdown signal.</summary>
    public TimeSpan ShutdownGrace => Grace ?? DefaultShutdownGrace;
}

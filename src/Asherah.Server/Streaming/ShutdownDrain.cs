using Microsoft.Extensions.Hosting;

namespace Asherah.Server.Streaming;

/// <summary>
/// The end of the grace period after a shutdown signal (SIGTERM, SIGINT): from the signal on, the server accepts no new
/// connection or stream, while open streams keep being served until their clients close them or
/// <see cref="ServerSettings.ShutdownGrace"/> passes; then each ends after the request it is answering with status
/// UNAVAILABLE.
/// </summary>
internal sealed class ShutdownDrain : IDisposable
{
    private readonly CancellationTokenSource _expired = new();
    private readonly CancellationTokenRegistration _registration;

    public ShutdownDrain(IHostApplicationLifetime lifetime, ServerSettings settings)
    {
        var grace = settings.ShutdownGrace;
        _registration = lifetime.ApplicationStopping.Register(() => _expired.CancelAfter(grace));
    }

    /// <summary>Cancelled when the grace period after a shutdown signal is over.</summary>
    public CancellationToken Expired => _expired.Token;

    public void Dispose()
    {
        _registration.Dispose();
        _expired.Dispose();
    }
}

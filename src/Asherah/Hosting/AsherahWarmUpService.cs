using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Asherah.Hosting;

/// <summary>
/// Loads the factory's system key when the host starts (creating it if there is none, exactly as the first encrypt
/// would), so the first request finds it cached. Registered by <c>AddAsherah</c>; see
/// <see cref="AsherahOptions.WarmUpOnStart"/> and <see cref="AsherahOptions.FailStartOnWarmUpError"/>.
/// </summary>
/// <remarks>
/// Building the factory is not a warm-up failure: invalid options or a development component refused in Production fail
/// the start whatever the options say. Cancellation of the start (the host's start-up timeout, Ctrl+C) stops the load and
/// fails the start. The host awaits <see cref="StartAsync"/> before it starts later hosted services (Kestrel included),
/// so requests begin after the key is loaded.
/// </remarks>
internal sealed class AsherahWarmUpService(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<AsherahOptions>>().Value;
        var logger = (ILogger?)services.GetService<ILoggerFactory>()?.CreateLogger("Asherah.Hosting") ?? NullLogger.Instance;
        if (!options.WarmUpOnStart)
        {
            HostingLog.WarmUpOff(logger);
            return;
        }

        var factory = services.GetRequiredService<SessionFactory>();
        long started = Stopwatch.GetTimestamp();
        try
        {
            await WarmUpAsync(factory, cancellationToken).ConfigureAwait(false);
            HostingLog.WarmedUp(logger, factory.SystemKeyId, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            double elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (options.FailStartOnWarmUpError)
            {
                HostingLog.WarmUpFailedStopping(logger, e, factory.SystemKeyId, elapsed);
                throw;
            }

            HostingLog.WarmUpFailedContinuing(logger, e, factory.SystemKeyId, elapsed);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Loads (or creates) the newest system key into the factory's cache, as an encrypt does, and lets it go.</summary>
    internal static async Task WarmUpAsync(SessionFactory factory, CancellationToken cancellationToken)
    {
        var key = await factory.SystemKeys.GetForWriteAsync(cancellationToken).ConfigureAwait(false);
        key.Release();
    }
}

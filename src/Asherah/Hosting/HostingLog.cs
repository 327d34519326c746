using Microsoft.Extensions.Logging;

namespace Asherah.Hosting;

/// <summary>Log messages of the hosting integration, with stable event ids (200–219). Never logs key material.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(200, LogLevel.Information, "Warmed up: system key {KeyId} loaded in {ElapsedMilliseconds} ms")]
    public static partial void WarmedUp(ILogger logger, string keyId, double elapsedMilliseconds);

    [LoggerMessage(201, LogLevel.Error, "Warm-up failed to load system key {KeyId} after {ElapsedMilliseconds} ms; the host starts anyway and the first request loads the key (set Asherah:FailStartOnWarmUpError to fail the start instead)")]
    public static partial void WarmUpFailedContinuing(ILogger logger, Exception exception, string keyId, double elapsedMilliseconds);

    [LoggerMessage(202, LogLevel.Critical, "Warm-up failed to load system key {KeyId} after {ElapsedMilliseconds} ms; failing the host's start (Asherah:FailStartOnWarmUpError is true)")]
    public static partial void WarmUpFailedStopping(ILogger logger, Exception exception, string keyId, double elapsedMilliseconds);

    [LoggerMessage(203, LogLevel.Debug, "Warm-up is off (Asherah:WarmUpOnStart is false)")]
    public static partial void WarmUpOff(ILogger logger);
}

using Microsoft.Extensions.Logging;

namespace Asherah.Kms.Aws.Diagnostics;

/// <summary>Log messages of the AWS KMS service (event ids 300–399). Regions, ARNs and error codes only: never key bytes.</summary>
internal static partial class AwsKmsLog
{
    [LoggerMessage(300, LogLevel.Warning, "AWS KMS {Operation} in region {Region} failed ({Reason}: {Error}); trying the next region")]
    public static partial void RegionFailed(ILogger logger, string operation, string region, string reason, string error, Exception? exception);

    [LoggerMessage(301, LogLevel.Warning, "A system key was encrypted without region {Region}: AWS KMS Encrypt there failed ({Reason}: {Error}); the key is readable in {Readable} of {Configured} regions")]
    public static partial void RegionMissing(ILogger logger, string region, string reason, string error, int readable, int configured, Exception? exception);

    [LoggerMessage(302, LogLevel.Error, "AWS KMS {Operation} failed in every region tried: {Regions}")]
    public static partial void AllRegionsFailed(ILogger logger, string operation, string regions);

    [LoggerMessage(303, LogLevel.Information, "AWS KMS {Operation} succeeded in region {Region} after {Failed} preferred region(s) failed")]
    public static partial void FellBack(ILogger logger, string operation, string region, int failed);

    [LoggerMessage(304, LogLevel.Error, "A system key would be readable in only {Readable} region(s), fewer than the {Minimum} required; not writing it. Failed: {Regions}")]
    public static partial void TooFewRegions(ILogger logger, int readable, int minimum, string regions);
}

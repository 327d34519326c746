namespace Asherah;

/// <summary>What <see cref="AsherahHealthProbe.ProbeAsync"/> found.</summary>
public sealed class AsherahHealthReport
{
    internal AsherahHealthReport(string systemKeyId, AsherahComponent? failed, string description, Exception? exception, bool systemKeyFound, bool kmsProbed, TimeSpan metastoreDuration, TimeSpan? kmsDuration)
    {
        SystemKeyId = systemKeyId;
        FailedComponent = failed;
        Description = description;
        Exception = exception;
        SystemKeyFound = systemKeyFound;
        KeyManagementServiceProbed = kmsProbed;
        MetastoreDuration = metastoreDuration;
        KeyManagementServiceDuration = kmsDuration;
    }

    /// <summary>Whether every part probed answered.</summary>
    public bool IsHealthy => FailedComponent is null;

    /// <summary>The part that failed or did not answer in time, or <see langword="null"/> when healthy.</summary>
    public AsherahComponent? FailedComponent { get; }

    /// <summary>One sentence saying what was probed and, on failure, which part failed and why (never key material).</summary>
    public string Description { get; }

    /// <summary>The failure, if any (a <see cref="TimeoutException"/> when a part did not answer in time).</summary>
    public Exception? Exception { get; }

    /// <summary>The system key id probed (<c>_SK_{service}_{product}</c>).</summary>
    public string SystemKeyId { get; }

    /// <summary>Whether the metastore holds a system key for this factory.</summary>
    public bool SystemKeyFound { get; }

    /// <summary>Whether the key management service was asked to decrypt that key.</summary>
    public bool KeyManagementServiceProbed { get; }

    /// <summary>How long the metastore took to answer (or to fail).</summary>
    public TimeSpan MetastoreDuration { get; }

    /// <summary>How long the key management service took, or <see langword="null"/> when it was not probed.</summary>
    public TimeSpan? KeyManagementServiceDuration { get; }
}

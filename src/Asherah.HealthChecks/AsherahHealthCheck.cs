using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Asherah.HealthChecks;

/// <summary>
/// A health check over <see cref="AsherahHealthProbe"/>: healthy when the factory's metastore (and, when a system key is
/// stored, its key management service) answers; otherwise the registration's failure status, with a description naming
/// the part that failed. Never creates a key.
/// </summary>
/// <remarks>
/// Data: <c>systemKeyId</c>, <c>systemKeyFound</c>, <c>kmsProbed</c>, <c>metastoreMilliseconds</c>,
/// <c>kmsMilliseconds</c> (when probed), <c>failedComponent</c> (on failure: <c>Metastore</c> or
/// <c>KeyManagementService</c>).
/// </remarks>
/// <param name="factory">The factory to probe.</param>
/// <param name="options">The probe's timeout and whether the KMS is probed.</param>
/// <exception cref="ArgumentNullException"><paramref name="factory"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
public sealed class AsherahHealthCheck(SessionFactory factory, AsherahHealthProbeOptions options) : IHealthCheck
{
    // Checked here, not at the first probe: a health endpoint would otherwise report the bug as "unhealthy" forever.
    private readonly SessionFactory _factory = factory ?? throw new ArgumentNullException(nameof(factory));
    private readonly AsherahHealthProbeOptions _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var report = await AsherahHealthProbe.ProbeAsync(_factory, _options, cancellationToken).ConfigureAwait(false);
        var data = new Dictionary<string, object>
        {
            ["systemKeyId"] = report.SystemKeyId,
            ["systemKeyFound"] = report.SystemKeyFound,
            ["kmsProbed"] = report.KeyManagementServiceProbed,
            ["metastoreMilliseconds"] = report.MetastoreDuration.TotalMilliseconds,
        };
        if (report.KeyManagementServiceDuration is { } kms)
        {
            data["kmsMilliseconds"] = kms.TotalMilliseconds;
        }

        if (report.IsHealthy)
        {
            return HealthCheckResult.Healthy(report.Description, data);
        }

        data["failedComponent"] = report.FailedComponent!.Value.ToString();
        return new HealthCheckResult(context.Registration.FailureStatus, report.Description, report.Exception, data);
    }
}

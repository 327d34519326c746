using Asherah;
using Asherah.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Asherah health check (<c>services.AddHealthChecks().AddAsherah()</c>).</summary>
/// <example>
/// <code>
/// builder.Services.AddAsherah(builder.Configuration).AddSqlMetastore("postgres", SqlDialect.Postgres, NpgsqlDataSource.Create);
/// builder.Services.AddHealthChecks().AddAsherah(tags: ["ready"], timeout: TimeSpan.FromSeconds(3));
/// app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c =&gt; c.Tags.Contains("ready") });
/// </code>
/// </example>
public static class AsherahHealthChecksBuilderExtensions
{
    /// <summary>The default registration name: <c>asherah</c>.</summary>
    public const string DefaultName = "asherah";

    /// <summary>
    /// Adds a check of the container's <see cref="SessionFactory"/> (registered by <c>AddAsherah</c>): its metastore, and
    /// its key management service when a system key is stored. See <see cref="AsherahHealthProbe"/>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name. Default <c>asherah</c>.</param>
    /// <param name="failureStatus">The status reported on failure. Default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by (such as <c>ready</c>).</param>
    /// <param name="timeout">How long the probe may take before it reports the part that did not answer. Default 5 seconds.</param>
    /// <param name="probeKeyManagementService">
    /// Whether the stored system key is decrypted through the KMS on each check (one KMS request per check). Default
    /// <see langword="true"/>.
    /// </param>
    public static IHealthChecksBuilder AddAsherah(
        this IHealthChecksBuilder builder,
        string name = DefaultName,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null,
        bool probeKeyManagementService = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var options = new AsherahHealthProbeOptions { ProbeKeyManagementService = probeKeyManagementService };
        if (timeout is { } value)
        {
            options.Timeout = value;
        }

        // The probe enforces its own timeout and says which part missed it; the registration's is left unset so the
        // service does not race it with a generic "timeout" result.
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new AsherahHealthCheck(sp.GetRequiredService<SessionFactory>(), options),
            failureStatus,
            tags));
    }
}

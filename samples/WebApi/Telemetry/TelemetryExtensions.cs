using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Asherah.Samples.WebApi.Telemetry;

/// <summary>OpenTelemetry for the sample: ASP.NET Core and Asherah traces and metrics, exported only where configured.</summary>
/// <remarks>
/// <para>
/// Sources: ASP.NET Core's requests (health probes left out of traces); the <c>Asherah</c> activity source (a span per
/// metastore and KMS call and per key creation, nested under the request that caused them; cached keys make none); the
/// <c>Asherah</c> meter (records encrypted and decrypted, keys loaded and created, metastore and KMS call durations); the
/// <c>Asherah.SecureMemory</c> meter (locked bytes, corruptions). Names from <see cref="AsherahTelemetry"/>.
/// </para>
/// <para>
/// Exporters: OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the standard <c>OTEL_*</c> variables configure it),
/// the console when <c>Telemetry:Console</c> is <c>true</c>; with neither, telemetry is collected for in-process
/// listeners (<c>dotnet-counters</c>) and nothing is sent, so no exporter retries against an address nobody listens on.
/// </para>
/// </remarks>
public static class TelemetryExtensions
{
    /// <summary>Adds OpenTelemetry tracing and metrics as described on the class.</summary>
    public static WebApplicationBuilder AddSampleTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/healthz"))
                .AddSource(AsherahTelemetry.ActivitySourceName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter(AsherahTelemetry.MeterName, AsherahTelemetry.SecureMemoryMeterName));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        if (builder.Configuration.GetValue<bool>("Telemetry:Console"))
        {
            telemetry.WithTracing(tracing => tracing.AddConsoleExporter())
                     .WithMetrics(metrics => metrics.AddConsoleExporter());
        }

        return builder;
    }
}

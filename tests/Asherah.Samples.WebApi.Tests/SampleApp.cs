using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Asherah.Samples.WebApi.Tests;

/// <summary>
/// The sample app in process, as Development runs it (SQLite metastore, static master key), over a fresh data
/// directory that is deleted with it; metrics and traces also go to in-memory exporters.
/// </summary>
internal sealed class SampleApp : WebApplicationFactory<Program>
{
    public SampleApp()
    {
        DataDirectory = Directory.CreateTempSubdirectory("asherah-sample-tests-").FullName;
    }

    public string DataDirectory { get; }

    public List<Metric> ExportedMetrics { get; } = [];

    public List<Activity> ExportedActivities { get; } = [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("DataDirectory", DataDirectory);
        builder.ConfigureTestServices(services =>
        {
            services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(ExportedMetrics));
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(ExportedActivities));
        });
    }

    /// <summary>The data row record the app stored for <paramref name="noteId"/>, read from its SQLite file.</summary>
    public string StoredRecord(Guid noteId)
    {
        using var connection = new SqliteConnection(NotesConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT record FROM notes WHERE id = $id";
        command.Parameters.AddWithValue("$id", noteId.ToString("D"));
        return command.ExecuteScalar() as string ?? throw new InvalidOperationException($"No row for note {noteId}.");
    }

    /// <summary>Replaces the stored record of <paramref name="noteId"/>, as damage or tampering at rest would.</summary>
    public void OverwriteRecord(Guid noteId, string record)
    {
        using var connection = new SqliteConnection(NotesConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE notes SET record = $record WHERE id = $id";
        command.Parameters.AddWithValue("$id", noteId.ToString("D"));
        command.Parameters.AddWithValue("$record", record);
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        // WebApplicationFactory's Dispose and DisposeAsync both end here, so this runs twice.
        if (disposing && Directory.Exists(DataDirectory))
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    private string NotesConnectionString =>
        new SqliteConnectionStringBuilder { DataSource = Path.Combine(DataDirectory, "notes.db"), Pooling = false }.ToString();

}

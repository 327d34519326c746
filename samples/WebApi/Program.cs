// An ASP.NET Core minimal API over Asherah: `dotnet run --project samples/WebApi` (Development: a SQLite metastore and a
// static master key under ./data). scripts/sample-smoke.sh starts it on a free loopback port and calls it over HTTP.
//
//   POST /users/{userId}/notes            {"text": "..."}  -> 201 {"id": "<guid>"}   encrypted in partition {userId}
//   GET  /users/{userId}/notes/{noteId}                    -> 200 {"id", "text"}     decrypted in partition {userId}
//   GET  /healthz                                          -> 200 Healthy
using Asherah.Samples.WebApi.Notes;
using Asherah.Samples.WebApi.Problems;
using Asherah.Samples.WebApi.Telemetry;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);

// Everything the app writes (its notes database, Asherah's key database, the development master key) lives in one
// directory: configuration key DataDirectory (environment DataDirectory), by default ./data beside the content root.
var dataDirectory = Path.GetFullPath(builder.Configuration["DataDirectory"] ?? Path.Combine(builder.Environment.ContentRootPath, "data"));
Directory.CreateDirectory(dataDirectory);

// Asherah: options from the "Asherah" section of appsettings*.json, then the ASHERAH_* variables (canonical server names
// such as ASHERAH_SERVICE_NAME, ASHERAH_KMS_MODE, ASHERAH_REGION_MAP), which win. A SessionFactory singleton is
// registered; the options are validated when the host starts, so a bad configuration stops the app before it listens.
builder.Configuration.AddAsherahEnvironmentVariables();
builder.Services.AddAsherah(builder.Configuration, options =>
    {
        // The key database defaults to the data directory; Asherah:ConnectionString or ASHERAH_CONNECTION_STRING win.
        options.ConnectionString ??= Path.Combine(dataDirectory, "keys.db");
    })
    .AddSqliteMetastore()   // "Metastore": "sqlite" (package Asherah.Metastore.Sql)
    .AddAwsKms();           // "Kms": "aws" in production (package Asherah.Kms.Aws); Development uses "static"

builder.Services.AddSingleton(new NoteStore(Path.Combine(dataDirectory, "notes.db")));

// Errors are RFC 9457 problem responses; AsherahProblemHandler turns Asherah's exceptions into clear ones (never a
// stack trace, never key material).
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<AsherahProblemHandler>();

// /healthz: Asherah's check loads the system key's record from the metastore (and, once one is stored, decrypts it
// through the KMS) without creating keys; 200 "Healthy" or 503 "Unhealthy" (package Asherah.HealthChecks).
builder.Services.AddHealthChecks().AddAsherah(timeout: TimeSpan.FromSeconds(3));
builder.AddSampleTelemetry();

await using var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

await app.Services.GetRequiredService<NoteStore>().EnsureCreatedAsync(app.Lifetime.ApplicationStopping);

app.MapHealthChecks("/healthz");
app.MapNotes();

try
{
    await app.StartAsync();
}
catch (OptionsValidationException e)
{
    // A configuration that cannot work (no region map for the aws KMS, a missing master key) stops the app before it
    // listens; the host has logged the details, this is the one line an operator reads.
    await Console.Error.WriteLineAsync($"notes-api: invalid configuration: {string.Join("; ", e.Failures)}");
    return 1;
}

// SIGTERM (docker stop, systemd, Kubernetes) or Ctrl+C: requests in flight finish, the SessionFactory is disposed with
// the container and wipes its cached keys, and the process exits 0.
await app.WaitForShutdownAsync();
return 0;

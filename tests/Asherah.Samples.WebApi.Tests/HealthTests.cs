using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Asherah.Samples.WebApi.Tests;

public sealed class HealthTests
{
    [Fact]
    public async Task Healthz_WithAReachableMetastore_AnswersHealthy()
    {
        using var app = new SampleApp();
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HealthChecks_IncludeAsherahsCheck()
    {
        using var app = new SampleApp();
        using var client = app.CreateClient();

        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var asherah = Assert.Single(report.Entries, e => e.Key == "asherah").Value;
        Assert.Equal(HealthStatus.Healthy, asherah.Status);
    }

    [Fact]
    public async Task Healthz_WhenTheKeyDatabaseCannotBeOpened_Answers503Unhealthy()
    {
        using var app = new SampleApp();
        // A directory where the SQLite key database should be: the metastore fails on every query.
        Directory.CreateDirectory(Path.Combine(app.DataDirectory, "keys.db"));
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", await response.Content.ReadAsStringAsync());
    }
}

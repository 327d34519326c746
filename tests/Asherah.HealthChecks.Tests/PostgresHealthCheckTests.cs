using System.Net;
using System.Net.Sockets;
using Asherah.Metastore.Sql;
using Asherah.Metastore.Sql.Tests;
using Asherah.Metastore.Sql.Tests.Outage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Asherah.HealthChecks.Tests;

/// <summary>
/// The health check over a real PostgreSQL metastore of the test's own, stopped and started again: Unhealthy naming the
/// metastore while it is down, and no key created at any point by the check.
/// </summary>
[RequiresPostgres]
public sealed class PostgresHealthCheckTests : IAsyncLifetime
{
    private const string MasterKey = "thisIsAStaticMasterKeyForTesting";

    private PrivateServer _server = null!;

    public async Task InitializeAsync() => _server = await PrivateServer.StartPostgresAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task StoppedMetastore_IsUnhealthy_NamingTheMetastore_AndNoKeyIsEverCreated()
    {
        using var provider = Provider(_server.ConnectionString, TimeSpan.FromSeconds(10));
        var health = provider.GetRequiredService<HealthCheckService>();

        var up = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, up.Status);
        Assert.Equal(false, up.Entries["asherah"].Data["systemKeyFound"]);

        await _server.PauseAsync();
        var down = await health.CheckHealthAsync();

        var entry = down.Entries["asherah"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal("Metastore", entry.Data["failedComponent"]);
        Assert.StartsWith("The metastore failed to load the system key _SK_service_product", entry.Description, StringComparison.Ordinal);
        Assert.IsType<MetastoreException>(entry.Exception);

        await _server.ResumeAsync();
        var again = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, again.Status);
        Assert.Equal(0L, await CountKeysAsync());
    }

    [Fact]
    public async Task AfterTheFirstEncrypt_TheCheckDecryptsTheSystemKey_AndAStoppedMetastoreIsStillSeen()
    {
        using var provider = Provider(_server.ConnectionString, TimeSpan.FromSeconds(10));
        var health = provider.GetRequiredService<HealthCheckService>();
        using (var session = provider.GetRequiredService<SessionFactory>().GetSessionBytes("tenant"))
        {
            session.Encrypt([1, 2, 3]);
        }

        long keys = await CountKeysAsync();
        var up = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, up.Status);
        Assert.Equal(true, up.Entries["asherah"].Data["kmsProbed"]);

        // The system key is cached, yet the check reaches the metastore and sees it down.
        await _server.PauseAsync();
        var down = await health.CheckHealthAsync();
        Assert.Equal("Metastore", down.Entries["asherah"].Data["failedComponent"]);

        await _server.ResumeAsync();
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);
        Assert.Equal(keys, await CountKeysAsync());
    }

    [Fact]
    public async Task ServerThatNeverAnswers_IsUnhealthy_WithinTheTimeout_NamingTheMetastore()
    {
        // A real socket that accepts connections and never speaks: the driver waits, the check's timeout ends the wait.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<Socket>();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    accepted.Add(await silent.AcceptSocketAsync());
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        });
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;
        using var provider = Provider($"Host=127.0.0.1;Port={port};Username=postgres;Database=asherah;Timeout=60", TimeSpan.FromSeconds(1));

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = report.Entries["asherah"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal("Metastore", entry.Data["failedComponent"]);
        Assert.IsType<TimeoutException>(entry.Exception);
        Assert.Contains("did not answer within 1 s", entry.Description, StringComparison.Ordinal);
        silent.Stop();
        await accepting;
        accepted.ForEach(s => s.Dispose());
    }

    private async Task<long> CountKeysAsync()
    {
        await using var data = NpgsqlDataSource.Create(_server.ConnectionString);
        await using var command = data.CreateCommand("SELECT count(*) FROM encryption_key");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static ServiceProvider Provider(string connectionString, TimeSpan timeout)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAsherah(o => { o.ProductId = "product"; o.ServiceId = "service"; })
            .UseSqlMetastore(SqlDialect.Postgres, _ => NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 5, Pooling = false }.ConnectionString), o => o.EnsureSchema = true)
            .UseStaticKeyManagementService(MasterKey);
        services.AddHealthChecks().AddAsherah(timeout: timeout);
        return services.BuildServiceProvider();
    }
}

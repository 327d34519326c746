using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using Asherah.Envelope;
using Asherah.Metastore;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using Npgsql;

namespace Asherah.Metastore.Sql.Tests.Misuse;

/// <summary>
/// Calls in flight against a server that accepted the connection and never answers (as a server stopped with SIGSTOP
/// does: the kernel completes the handshake, nothing replies): the caller's cancellation ends each call, and disposing the
/// metastore under a call neither hangs nor crashes it.
/// </summary>
public sealed class SilentServerTests : IDisposable
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_040);
    private readonly TcpListener _silent = new(IPAddress.Loopback, 0);

    public SilentServerTests() => _silent.Start(backlog: 64);

    private int Port => ((IPEndPoint)_silent.LocalEndpoint).Port;

    public void Dispose() => _silent.Stop();

    // Connect and command timeouts of 60 s: only the token (or the disposal) can end a call within the test's bound.
    private DbDataSource Create(string dialect) => dialect == "postgres"
        ? NpgsqlDataSource.Create($"Host=127.0.0.1;Port={Port};Username=u;Password=p;Database=d;Timeout=60;Command Timeout=60")
        : new MySqlDataSource($"Server=127.0.0.1;Port={Port};User ID=u;Password=p;Database=d;Connection Timeout=60;Default Command Timeout=60");

    private static SqlDialect Dialect(string dialect) => dialect == "postgres" ? SqlDialect.Postgres : SqlDialect.MySql;

    private static EnvelopeKeyRecord Record() => new(T0, new byte[60], new KeyMeta("_SK_s_p", T0), revoked: false);

    [Theory]
    [InlineData("postgres")]
    [InlineData("mysql")]
    public async Task CancellingACallInFlight_EndsIt_WithOperationCanceled(string dialect)
    {
        await using var dataSource = Create(dialect);
        var store = new SqlMetastore(dataSource, Dialect(dialect));
        foreach (var call in new Func<CancellationToken, Task>[]
                 {
                     async ct => await store.LoadAsync("_IK_p_s_p", T0, ct),
                     async ct => await store.LoadLatestAsync("_IK_p_s_p", ct),
                     async ct => await store.StoreAsync("_IK_p_s_p", T0, Record(), ct),
                     async ct => await store.RevokeAsync("_IK_p_s_p", T0, ct),
                     async ct => { await foreach (var _ in store.ListAsync(ct)) { } },
                     store.EnsureSchemaAsync,
                 })
        {
            using var cts = new CancellationTokenSource();
            var running = call(cts.Token);
            await Task.Delay(100);
            Assert.False(running.IsCompleted, "the silent server answered");
            await cts.CancelAsync();

            // A call that ignored the token would still wait on its 60 s timeout after the 20 s bound.
            var e = await Xunit.Record.ExceptionAsync(() => running.WaitAsync(TimeSpan.FromSeconds(20)));
            Assert.IsAssignableFrom<OperationCanceledException>(e);
        }
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("mysql")]
    public async Task DisposingTheContainersMetastore_UnderACallInFlight_EndsTheCallTyped_AndLaterCallsAreObjectDisposed(string dialect)
    {
        var services = new ServiceCollection();
        services.AddAsherah(o => { o.ProductId = "p"; o.ServiceId = "s"; })
            .UseSqlMetastore(Dialect(dialect), _ => Create(dialect))
            .UseStaticKeyManagementService("thisIsAStaticMasterKeyForTesting");
        var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IMetastore>();
        using var cts = new CancellationTokenSource();
        var running = store.LoadLatestAsync("_IK_p_s_p", cts.Token).AsTask();
        await Task.Delay(100);
        Assert.False(running.IsCompleted, "the silent server answered");

        await provider.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        await cts.CancelAsync();
        var e = await Xunit.Record.ExceptionAsync(() => running.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.True(e is OperationCanceledException or ObjectDisposedException or MetastoreException, e?.ToString());

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.LoadLatestAsync("_IK_p_s_p"));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.StoreAsync("_IK_p_s_p", T0, Record()));
    }
}

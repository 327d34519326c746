using System.Data.Common;
using System.Text;
using Asherah.Envelope;
using Asherah.Metastore;
using Xunit.Abstractions;

namespace Asherah.Metastore.Sql.Tests.Outage;

/// <summary>
/// A server that stops mid-test and comes back: every metastore call fails with a transient
/// <see cref="MetastoreException"/> (never <see langword="null"/>, which would read as "no such key"), an encrypt on a
/// cold partition fails rather than creating keys, and once the server is back (same data, same port) the same factory
/// encrypts, writing exactly one intermediate and one system key. Each dialect's server is a private one
/// (<see cref="PrivateServer"/>), so the shared test servers stay up.
/// </summary>
public abstract class StoppedServerContract(ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_040);

    protected abstract Task<PrivateServer> StartServerAsync();

    /// <summary>A data source over <paramref name="connectionString"/>, with a short connect timeout.</summary>
    protected abstract DbDataSource CreateDataSource(string connectionString);

    protected abstract SqlDialect Dialect { get; }

    /// <summary>A statement that runs for about 30 seconds unless the server goes away.</summary>
    protected abstract string LongQuerySql { get; }

    private static EnvelopeKeyRecord Record(DateTimeOffset created, byte fill) =>
        new(created, Enumerable.Repeat(fill, 60).ToArray(), new KeyMeta("_SK_svc_prod", created), revoked: false);

    [Fact]
    public async Task StoppedServer_FailsTransiently_NeverNotFound_AndRecoversOverTheSameData()
    {
        await using var server = await StartServerAsync();
        await using var dataSource = CreateDataSource(server.ConnectionString);
        var store = new SqlMetastore(dataSource, Dialect);
        await store.EnsureSchemaAsync();
        string stored = "_IK_stored_svc_prod", fresh = "_IK_fresh_svc_prod";
        Assert.True(await store.StoreAsync(stored, T0, Record(T0, 1)));
        using var factory = SessionFactory.NewBuilder("prod", "svc").WithMetastore(store).WithNeverExpiredCryptoPolicy()
            .WithStaticKeyManagementService("thisIsAStaticMasterKeyForTesting").Build();
        using (var warm = factory.GetSessionBytes("warm"))
        {
            // Pooled connections are open when the server goes away, so both paths are hit: a broken pooled
            // connection first, a refused new one after.
            await warm.EncryptAsync([1]);
        }

        // A query in flight when the server stops.
        var inFlight = Task.Run(async () =>
        {
            await using var command = dataSource.CreateCommand(LongQuerySql);
            await command.ExecuteScalarAsync();
        });
        await Task.Delay(500);

        await server.PauseAsync();

        var dropped = await Assert.ThrowsAnyAsync<DbException>(() => inFlight);
        output.WriteLine($"query in flight: {Describe(new MetastoreException("(not thrown)", dropped, Dialect.IsTransient(dropped)))}");
        Assert.True(Dialect.IsTransient(dropped), Describe(new MetastoreException("in flight", dropped)));

        for (int round = 1; round <= 2; round++)
        {
            foreach (var (operation, call) in new (string, Func<Task>)[]
                     {
                         ("load", async () => await store.LoadAsync(stored, T0)),
                         ("load latest", async () => await store.LoadLatestAsync(stored)),
                         ("store", async () => await store.StoreAsync(fresh, T0, Record(T0, 2))),
                     })
            {
                var e = await Assert.ThrowsAsync<MetastoreException>(call);
                output.WriteLine($"round {round}, {operation}: {Describe(e)}");
                Assert.True(e.IsTransient, $"{operation}: {Describe(e)}");
                Assert.IsAssignableFrom<DbException>(e.InnerException);
            }
        }

        using (var cold = factory.GetSessionBytes("cold"))
        {
            var e = await Assert.ThrowsAsync<MetastoreException>(async () => await cold.EncryptAsync([1, 2, 3]));
            output.WriteLine($"encrypt on a cold partition: {Describe(e)}");
            Assert.True(e.IsTransient, Describe(e));
        }

        await server.ResumeAsync();

        byte[] record;
        using (var cold = factory.GetSessionBytes("cold"))
        {
            record = await cold.EncryptAsync([1, 2, 3]);
            Assert.Equal(new byte[] { 1, 2, 3 }, await cold.DecryptAsync(record));
        }

        Assert.Contains("\"KeyId\":\"_IK_cold_svc_prod\"", Encoding.UTF8.GetString(record), StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(dataSource, "_IK_cold_svc_prod"));
        Assert.Equal(1, await CountAsync(dataSource, "_SK_svc_prod"));
        Assert.Equal(Record(T0, 1).ToJson(), (await store.LoadAsync(stored, T0))?.ToJson());
        Assert.Null(await store.LoadLatestAsync(fresh));
    }

    private static Task<int> CountAsync(DbDataSource dataSource, string keyId) => Sessions.TableRows.CountAsync(dataSource, keyId);

    /// <summary>The exception chain: types, SQLSTATE, the driver's own IsTransient, socket errors.</summary>
    private static string Describe(MetastoreException e)
    {
        var parts = new List<string> { $"MetastoreException(IsTransient={e.IsTransient})" };
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            string detail = inner switch
            {
                DbException db => $"{db.GetType().Name}(SqlState={db.SqlState ?? "null"}, IsTransient={db.IsTransient}, ErrorCode={db.ErrorCode}" +
                                  (db.Data["Server Error Code"] is { } code ? $", Server Error Code={code}" : "") + ")",
                System.Net.Sockets.SocketException socket => $"SocketException({socket.SocketErrorCode})",
                _ => inner.GetType().Name,
            };
            parts.Add($"{detail}: {inner.Message}");
        }

        return string.Join(" <- ", parts);
    }
}

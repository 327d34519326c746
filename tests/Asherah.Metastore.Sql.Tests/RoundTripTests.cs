using System.Data.Common;
using Asherah.Tests.Shared;
using MySqlConnector;
using Npgsql;

namespace Asherah.Metastore.Sql.Tests;

/// <summary>
/// How many statements, round trips and connections the key paths cost on a real server, counted structurally (never
/// timed): statements by a <see cref="CountingDataSource"/> around the provider's pooled data source, round trips and
/// connections by a <see cref="TurnCountingProxy"/> between the provider and the server.
/// </summary>
/// <remarks>
/// Once the system key is cached and the pool holds a connection: a first encrypt in a new partition is 2 statements
/// (intermediate key load latest, store) in 2 round trips; a decrypt whose intermediate key is not cached is 1 statement
/// (load by id and created) in 1 round trip; neither opens a connection. The timings are in
/// bench/Asherah.Benchmarks/Sql (scripts/bench-sql.sh).
/// </remarks>
public abstract class RoundTripTests : IAsyncLifetime
{
    private const int Repeats = 20;

    private TurnCountingProxy _proxy = null!;
    private CountingDataSource _source = null!;
    private SessionFactory _factory = null!;

    /// <summary>The server's host and port, from its connection string.</summary>
    protected abstract (string Host, int Port) Server { get; }

    /// <summary>The provider's pooled data source, connecting to <paramref name="port"/> on loopback (the proxy).</summary>
    protected abstract DbDataSource CreateSource(int port);

    protected abstract SqlDialect Dialect { get; }

    /// <summary>Round trips each statement costs: 1, unless the provider talks to the server when it opens a pooled connection.</summary>
    protected virtual int RoundTripsPerStatement => 1;

    public async Task InitializeAsync()
    {
        _proxy = new TurnCountingProxy(Server.Host, Server.Port);
        _source = new CountingDataSource(CreateSource(_proxy.Port));
        var metastore = new SqlMetastore(_source, Dialect);
        await metastore.EnsureSchemaAsync();
        _factory = SessionFactory.NewBuilder("roundtrip-product", "roundtrip-service")
            .WithMetastore(metastore)
            .WithNeverExpiredCryptoPolicy()
            .WithStaticKeyManagementService("thisIsAStaticMasterKeyForTesting")
            .Build();

        // The system key is loaded or created and cached, and the pool holds an open connection.
        await using var warm = _factory.GetSessionBytes(NewPartition());
        await warm.EncryptAsync([0]);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _source.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    [MetastoreFact]
    public async Task ColdPartitionEncrypt_IsTwoStatements_OneRoundTripEach_OnThePooledConnection()
    {
        int connections = _proxy.Connections;
        for (int i = 0; i < Repeats; i++)
        {
            var (statements, turns) = await CountAsync(async () =>
            {
                await using var session = _factory.GetSessionBytes(NewPartition());
                await session.EncryptAsync([1, 2, 3]);
            });

            Assert.Equal((2, 2L * RoundTripsPerStatement), (statements, turns));
        }

        Assert.Equal(connections, _proxy.Connections);
    }

    [MetastoreFact]
    public async Task UncachedKeyDecrypt_IsOneStatement_InOneRoundTrip_OnThePooledConnection()
    {
        var records = new List<(string Partition, byte[] Record)>();
        for (int i = 0; i < Repeats; i++)
        {
            string partition = NewPartition();
            await using var writer = _factory.GetSessionBytes(partition);
            records.Add((partition, await writer.EncryptAsync([4, 5, 6])));
        }

        int connections = _proxy.Connections;
        foreach (var (partition, record) in records)
        {
            byte[]? plaintext = null;
            var (statements, turns) = await CountAsync(async () =>
            {
                // A new session: sessions are not cached, so its intermediate key cache starts empty.
                await using var reader = _factory.GetSessionBytes(partition);
                plaintext = await reader.DecryptAsync(record);
            });

            Assert.Equal([4, 5, 6], plaintext);
            Assert.Equal((1, 1L * RoundTripsPerStatement), (statements, turns));
        }

        Assert.Equal(connections, _proxy.Connections);
    }

    [MetastoreFact]
    public async Task WarmEncrypt_IsNoStatement()
    {
        await using var session = _factory.GetSessionBytes(NewPartition());
        await session.EncryptAsync([7]);

        var (statements, turns) = await CountAsync(async () => await session.EncryptAsync([8]));

        Assert.Equal((0, 0L), (statements, turns));
    }

    private async Task<(int Statements, long Turns)> CountAsync(Func<Task> operation)
    {
        int statements = _source.Commands;
        long turns = _proxy.Turns;
        await operation();
        return (_source.Commands - statements, _proxy.Turns - turns);
    }

    private static string NewPartition() => "roundtrip-" + Guid.NewGuid().ToString("N");

    /// <summary>The variable's connection string (the discoverer has skipped or failed the tests when it is unset).</summary>
    protected static string ConnectionString(string variable) => Environment.GetEnvironmentVariable(variable)!;
}

/// <summary><see cref="RoundTripTests"/> on PostgreSQL through Npgsql's pooled <see cref="NpgsqlDataSource"/>.</summary>
[RequiresEnvironment(Variable, "run scripts/postgres.sh start, then eval \"$(scripts/postgres.sh env)\"; scripts/test.sh does both")]
public sealed class PostgresRoundTripTests : RoundTripTests
{
    private const string Variable = "ASHERAH_TEST_POSTGRES";

    protected override (string Host, int Port) Server
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString(Variable));
            return (builder.Host!, builder.Port);
        }
    }

    protected override SqlDialect Dialect => SqlDialect.Postgres;

    protected override DbDataSource CreateSource(int port) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(ConnectionString(Variable)) { Host = "127.0.0.1", Port = port }.ConnectionString);
}

/// <summary>
/// <see cref="RoundTripTests"/> on MariaDB/MySQL through MySqlConnector's pooled <see cref="MySqlDataSource"/>, with its
/// default <c>Connection Reset=true</c>: every open of a pooled connection first resets it (COM_RESET_CONNECTION, with
/// SET NAMES pipelined behind it) and waits for the reply, so each statement costs two round trips (measured with
/// MySqlConnector 2.6.2 on MariaDB 10.11). <see cref="SqlMetastore"/> opens a pooled connection per statement.
/// </summary>
[RequiresEnvironment(MySqlVariable, "eval \"$(scripts/mariadb.sh start)\"; scripts/test.sh does it")]
public sealed class MySqlRoundTripTests : MySqlRoundTripTestsBase
{
    protected override bool ConnectionReset => true;

    protected override int RoundTripsPerStatement => 2;
}

/// <summary>
/// <see cref="RoundTripTests"/> on MariaDB/MySQL with <c>Connection Reset=false</c>: a pooled connection is handed out
/// without a word to the server, so each statement is one round trip. Safe for a data source only the metastore uses: it
/// sets no session state, and the MySQL dialect needs the session time zone left at the server's default, which a
/// shared pool without reset could not promise.
/// </summary>
[RequiresEnvironment(MySqlVariable, "eval \"$(scripts/mariadb.sh start)\"; scripts/test.sh does it")]
public sealed class MySqlWithoutConnectionResetRoundTripTests : MySqlRoundTripTestsBase
{
    protected override bool ConnectionReset => false;
}

/// <summary>A MySqlConnector data source on the server of <c>ASHERAH_TEST_MYSQL</c>.</summary>
public abstract class MySqlRoundTripTestsBase : RoundTripTests
{
    protected const string MySqlVariable = "ASHERAH_TEST_MYSQL";

    protected abstract bool ConnectionReset { get; }

    protected override (string Host, int Port) Server
    {
        get
        {
            var builder = new MySqlConnectionStringBuilder(ConnectionString(MySqlVariable));
            return (builder.Server, (int)builder.Port);
        }
    }

    protected override SqlDialect Dialect => SqlDialect.MySql;

    protected override DbDataSource CreateSource(int port) =>
        new MySqlDataSource(new MySqlConnectionStringBuilder(ConnectionString(MySqlVariable)) { Server = "127.0.0.1", Port = (uint)port, ConnectionReset = ConnectionReset }.ConnectionString);
}

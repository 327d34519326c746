using System.Data.Common;
using Asherah.Metastore.Sql;
using BenchmarkDotNet.Attributes;

namespace Asherah.Benchmarks.Sql;

/// <summary>
/// Latency of the key paths that reach the SQL metastore, against a real PostgreSQL or MariaDB server, per operation
/// (P50, P99), beside the server's own round trip through the same pooled data source.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>RoundTrip</c>: <c>SELECT 1</c>, one statement on a pooled connection: the baseline.</item>
/// <item><c>ColdPartitionEncrypt</c>: the first encrypt of a partition never seen: intermediate key "load latest" (a
/// miss), create, store; the system key is cached. Expected: 2 statements, 2 round trips.</item>
/// <item><c>UncachedKeyDecrypt</c>: decrypt of an existing record in a new session, whose intermediate key cache is empty
/// (sessions are not cached): the key is loaded by (id, created); the system key is cached. Expected: 1 statement.</item>
/// </list>
/// The async API throughout, as a server application would call it. Run: <c>scripts/bench-sql.sh</c>.
/// </remarks>
[Config(typeof(LatencyConfig))]
public class SqlMetastoreBenchmarks
{
    private const int DecryptPartitions = 256;

    private DbDataSource _source = null!;
    private SessionFactory _factory = null!;
    private DbCommand _roundTrip = null!;
    private byte[] _payload = null!;
    private (string Partition, byte[] Record)[] _records = null!;
    private long _next;

    [Params(SqlServer.Postgres, SqlServer.MariaDb)]
    public string Server { get; set; } = SqlServer.Postgres;

    [GlobalSetup]
    public async Task Setup()
    {
        SqlMetastore metastore;
        (metastore, _source) = await SqlServer.OpenMetastoreAsync(Server);
        _factory = SqlServer.WarmFactory(metastore);
        _payload = new byte[64];
        _roundTrip = _source.CreateCommand("SELECT 1");

        // Records to decrypt, each in its own partition, written by this factory (same system key, cached).
        _records = new (string, byte[])[DecryptPartitions];
        for (int i = 0; i < _records.Length; i++)
        {
            string partition = SqlServer.NewPartition("read", i);
            await using var session = _factory.GetSessionBytes(partition);
            _records[i] = (partition, await session.EncryptAsync(_payload));
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _roundTrip.DisposeAsync();
        await _factory.DisposeAsync();
        await _source.DisposeAsync();
    }

    /// <summary>The server's round trip through the same pooled data source: <c>SELECT 1</c>.</summary>
    [Benchmark(Baseline = true)]
    public async Task<object?> RoundTrip() => await _roundTrip.ExecuteScalarAsync();

    /// <summary>The first encrypt of a partition never seen before (intermediate key: load latest, create, store).</summary>
    [Benchmark]
    public async Task<byte[]> ColdPartitionEncrypt()
    {
        await using var session = _factory.GetSessionBytes(SqlServer.NewPartition("cold", Interlocked.Increment(ref _next)));
        return await session.EncryptAsync(_payload);
    }

    /// <summary>A decrypt whose intermediate key is not cached (a new session): one load by (id, created).</summary>
    [Benchmark]
    public async Task<byte[]> UncachedKeyDecrypt()
    {
        var (partition, record) = _records[Interlocked.Increment(ref _next) % DecryptPartitions];
        await using var session = _factory.GetSessionBytes(partition);
        return await session.DecryptAsync(record);
    }
}

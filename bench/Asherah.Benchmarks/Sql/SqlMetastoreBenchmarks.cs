using System.Data.Common;
using Asherah.Benchmarks.Latency;
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
/// <item><c>LoadLatestMiss</c> and <c>Store</c>: the two statements of a first encrypt on their own, straight on the
/// metastore, so that what the SDK adds around them (key generation, sealing, the record's JSON, the session) shows.</item>
/// </list>
/// The async API throughout, as a server application would call it. Run: <c>scripts/bench-sql.sh</c>.
/// </remarks>
[Config(typeof(LatencyConfig))]
public class SqlMetastoreBenchmarks
{
    private const int DecryptPartitions = 256;

    private DbDataSource _source = null!;
    private SqlMetastore _metastore = null!;
    private SessionFactory _factory = null!;
    private EnvelopeKeyRecord _keyRecord = null!;
    private DbCommand _roundTrip = null!;
    private byte[] _payload = null!;
    private (string Partition, byte[] Record)[] _records = null!;
    private long _next;

    [Params(SqlServer.Postgres, SqlServer.PostgresTuned, SqlServer.MariaDb, SqlServer.MariaDbNoReset)]
    public string Server { get; set; } = SqlServer.Postgres;

    [GlobalSetup]
    public async Task Setup()
    {
        (_metastore, _source) = await SqlServer.OpenMetastoreAsync(Server);
        _factory = SqlServer.WarmFactory(_metastore);
        _keyRecord = new EnvelopeKeyRecord(
            DateTimeOffset.FromUnixTimeSeconds(1_700_000_040), new byte[60], new KeyMeta("_SK_bench-service_bench-product", DateTimeOffset.FromUnixTimeSeconds(1_700_000_040)), revoked: false);
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

    /// <summary>The metastore's "load latest" of an id never stored: the first statement of a first encrypt.</summary>
    [Benchmark]
    public async Task<EnvelopeKeyRecord?> LoadLatestMiss() =>
        await _metastore.LoadLatestAsync("_IK_" + SqlServer.NewPartition("miss", Interlocked.Increment(ref _next)) + "_bench-service_bench-product");

    /// <summary>The metastore's store of a new intermediate key record: the second statement of a first encrypt.</summary>
    [Benchmark]
    public async Task<bool> Store() =>
        await _metastore.StoreAsync("_IK_" + SqlServer.NewPartition("store", Interlocked.Increment(ref _next)) + "_bench-service_bench-product", _keyRecord.Created, _keyRecord);
}

using System.Data.Common;
using Asherah.Metastore.Sql;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace Asherah.Benchmarks.Sql;

/// <summary>
/// Throughput of first encrypts against a real PostgreSQL or MariaDB server: two concurrent workers, each encrypting
/// once in 1,000 partitions never seen before (2,000 intermediate keys loaded, created and stored per invocation).
/// </summary>
/// <remarks>
/// Mean is per operation (OperationsPerInvoke = 2,000); Op/s is the throughput. Each worker awaits its operations one
/// after another, so two are in flight at a time, on two pooled connections. Run: <c>scripts/bench-sql.sh</c>.
/// </remarks>
[SimpleJob(RunStrategy.Monitoring, warmupCount: 3, iterationCount: 10, invocationCount: 1, id: "Throughput")]
[OperationsPerSecond]
public class SqlThroughputBenchmarks
{
    private const int Workers = 2;
    private const int PartitionsPerWorker = 1000;

    private DbDataSource _source = null!;
    private SessionFactory _factory = null!;
    private byte[] _payload = null!;
    private long _next;

    [Params(SqlServer.Postgres, SqlServer.PostgresTuned, SqlServer.MariaDb, SqlServer.MariaDbNoReset)]
    public string Server { get; set; } = SqlServer.Postgres;

    [GlobalSetup]
    public async Task Setup()
    {
        SqlMetastore metastore;
        (metastore, _source) = await SqlServer.OpenMetastoreAsync(Server);
        _factory = SqlServer.WarmFactory(metastore);
        _payload = new byte[64];

        // Open the second pooled connection now, so that the first invocation does not measure its handshake.
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            await using var command = _source.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync();
        })));
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _factory.DisposeAsync();
        await _source.DisposeAsync();
    }

    /// <summary>2 workers × 1,000 new partitions, one encrypt each.</summary>
    [Benchmark(OperationsPerInvoke = Workers * PartitionsPerWorker)]
    public Task TwoWorkersNewPartitions() =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < PartitionsPerWorker; i++)
            {
                await using var session = _factory.GetSessionBytes(SqlServer.NewPartition("tput", Interlocked.Increment(ref _next)));
                await session.EncryptAsync(_payload);
            }
        })));
}

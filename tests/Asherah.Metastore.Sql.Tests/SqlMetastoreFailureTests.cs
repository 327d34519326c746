using System.Data.Common;
using System.Net.Sockets;
using Asherah.Envelope;
using Asherah.Metastore;

namespace Asherah.Metastore.Sql.Tests;

/// <summary>
/// Failures a driver lets through without wrapping them in a <see cref="DbException"/> (a broken socket, a timeout) are
/// outages too: transient <see cref="MetastoreException"/>s, never "not found"; cancellation and programming errors pass
/// through as they are.
/// </summary>
public sealed class SqlMetastoreFailureTests
{
    public static TheoryData<Exception> Outages() =>
    [
        new IOException("connection reset"),
        new SocketException((int)SocketError.ConnectionRefused),
        new TimeoutException("read timed out"),
    ];

    [Theory]
    [MemberData(nameof(Outages))]
    public async Task UnwrappedIoFailures_AreTransientMetastoreExceptions_OnEveryOperation(Exception failure)
    {
        var store = new SqlMetastore(new FailingDataSource(failure), SqlDialect.Postgres);
        var created = DateTimeOffset.FromUnixTimeSeconds(1_700_000_040);
        var record = new EnvelopeKeyRecord(created, new byte[48], new KeyMeta("_SK_s_p", created), revoked: false);

        var errors = new[]
        {
            await Assert.ThrowsAsync<MetastoreException>(async () => await store.LoadAsync("_IK_p_s_p", created)),
            await Assert.ThrowsAsync<MetastoreException>(async () => await store.LoadLatestAsync("_IK_p_s_p")),
            await Assert.ThrowsAsync<MetastoreException>(async () => await store.StoreAsync("_IK_p_s_p", created, record)),
            await Assert.ThrowsAsync<MetastoreException>(async () => await store.EnsureSchemaAsync()),
        };

        Assert.All(errors, e =>
        {
            Assert.True(e.IsTransient);
            Assert.Same(failure, e.InnerException);
        });
    }

    [Fact]
    public async Task Cancellation_AndProgrammingErrors_PassThrough()
    {
        var cancelled = new SqlMetastore(new FailingDataSource(new OperationCanceledException()), SqlDialect.Postgres);
        await Assert.ThrowsAsync<OperationCanceledException>(async () => await cancelled.LoadLatestAsync("_IK_p_s_p"));

        var broken = new SqlMetastore(new FailingDataSource(new InvalidOperationException("bug")), SqlDialect.Postgres);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await broken.LoadLatestAsync("_IK_p_s_p"));
    }

    /// <summary>A data source whose every command fails with <paramref name="failure"/>.</summary>
    private sealed class FailingDataSource(Exception failure) : DbDataSource
    {
        public override string ConnectionString => "";

        protected override DbConnection CreateDbConnection() => throw failure;

        protected override DbCommand CreateDbCommand(string? commandText = null) => throw failure;
    }
}

using System.Data.Common;

namespace Asherah.Metastore.Sql.Tests;

/// <summary>A data source that hands out the provider's own commands and connections and counts the commands.</summary>
/// <remarks>
/// <see cref="SqlMetastore"/> runs one command per statement (<c>DbDataSource.CreateCommand</c>), so this counts its
/// statements.
/// </remarks>
internal sealed class CountingDataSource(DbDataSource inner) : DbDataSource
{
    private int _commands;

    /// <summary>Commands created so far.</summary>
    public int Commands => Volatile.Read(ref _commands);

    public override string ConnectionString => inner.ConnectionString;

    protected override DbConnection CreateDbConnection() => inner.CreateConnection();

    protected override DbCommand CreateDbCommand(string? commandText = null)
    {
        Interlocked.Increment(ref _commands);
        return inner.CreateCommand(commandText);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await inner.DisposeAsync();
        await base.DisposeAsyncCore();
    }
}

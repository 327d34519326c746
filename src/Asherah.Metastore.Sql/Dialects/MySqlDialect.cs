using System.Data.Common;

namespace Asherah.Metastore.Sql.Dialects;

/// <summary>
/// MySQL and MariaDB (e.g. through MySqlConnector, which this package does not reference).
/// </summary>
/// <remarks>
/// <para>
/// <c>created</c> is bound as the UTC wall-clock <see cref="DateTime"/>, as canonical C# does. MySqlConnector sends it as
/// literal text and the server reads it in the session time zone, which stays the server's default: canonical writes the
/// same literal in the same zone, so our rows and canonical's compare equal even on a server whose zone is not UTC. (A
/// forced session zone would make every canonical row on such a server miss.) The kind is left unspecified so the
/// connection string's <c>DateTimeKind</c> setting cannot reject it.
/// </para>
/// <para>
/// The table's <c>id</c> is <c>VARBINARY</c>: canonical's DDL names no collation, and MySQL's usual ones ignore letter case
/// and trailing spaces, so <c>Partition-1</c> would share <c>partition-1</c>'s keys. Binary comparison is exact on every
/// MySQL and MariaDB version; <see cref="SqlMetastore"/> also checks the id of every row it returns, for tables created
/// by canonical's DDL.
/// </para>
/// <para>
/// MySqlConnector resets a pooled connection each time it is taken (<c>Connection Reset=true</c>, its default), one
/// round trip more per statement (measured). The metastore sets no session state, so a data source used only by it may
/// set <c>Connection Reset=false</c>; with it, the session zone stays the server's default as this dialect requires.
/// </para>
/// </remarks>
internal sealed class MySqlDialect : SqlDialect
{
    // ER_DUP_ENTRY and ER_DUP_KEY (SQLSTATE 23000, which other integrity violations share).
    private const int DuplicateEntry = 1062;
    private const int DuplicateKey = 1022;
    private const int NoSuchTable = 1146;

    public override string Name => "mysql";

    // 1020 bytes hold canonical's VARCHAR(255) of any utf8mb4 text.
    public override string CreateTableSql =>
        "CREATE TABLE IF NOT EXISTS encryption_key (" +
        "id VARBINARY(1020) NOT NULL, " +
        "created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, " +
        "key_record TEXT CHARACTER SET utf8mb4 NOT NULL, " +
        "PRIMARY KEY (id, created), " +
        "INDEX (created))";

    public override object ToDbValue(DateTimeOffset created) => DateTime.SpecifyKind(created.UtcDateTime, DateTimeKind.Unspecified);

    // ER_NO_SUCH_TABLE, SQLSTATE 42S02.
    public override bool IsMissingTable(DbException exception) =>
        ServerErrorCode(exception) == NoSuchTable || base.IsMissingTable(exception);

    public override bool IsDuplicateKey(DbException exception) =>
        ServerErrorCode(exception) is DuplicateEntry or DuplicateKey;

    /// <summary>
    /// The provider's own verdict, server and client errors that say the server is busy, going away or gone, and a
    /// connection that broke mid-reply.
    /// </summary>
    /// <remarks>
    /// Measured with MySqlConnector 2.6.2 on MariaDB 10.11 (tests/Asherah.Metastore.Sql.Tests/Outage): with the server
    /// stopped, every call fails with error 1042 (unable to connect), which MySqlConnector marks transient; a query in
    /// flight when the server shuts down fails with error 0 "Failed to read the result set" over an
    /// <see cref="EndOfStreamException"/>, which it does not, so a broken connection (an <see cref="IOException"/> or
    /// <see cref="System.Net.Sockets.SocketException"/> underneath) counts as transient here.
    /// </remarks>
    public override bool IsTransient(DbException exception) =>
        exception.IsTransient || ServerErrorCode(exception) is { } code && TransientCodes.Contains(code) || IsConnectionBroken(exception);

    // 1040 too many connections, 1042 cannot connect to host, 1053 server shutdown in progress, 1205 lock wait timeout,
    // 1213 deadlock, 1614 XA deadlock, 1927 connection killed (MariaDB), 2002/2003 cannot connect, 2006 server gone
    // away, 2013 lost connection during query.
    private static readonly HashSet<int> TransientCodes = [1040, 1042, 1053, 1205, 1213, 1614, 1927, 2002, 2003, 2006, 2013];

    private static bool IsConnectionBroken(Exception exception)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is IOException or System.Net.Sockets.SocketException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The server's error number. MySqlConnector's <c>MySqlException</c> hides <c>DbException.ErrorCode</c> behind
    /// its own enum property and leaves the base one at the default HResult (E_FAIL, measured with 2.6.2 on MariaDB
    /// 10.11); it reports the number in <see cref="Exception.Data"/> as <c>"Server Error Code"</c> (as MySql.Data does).
    /// Other providers may report it as a positive <c>DbException.ErrorCode</c>. SQLSTATE 23000 alone is not enough:
    /// NOT NULL and foreign-key violations share it.
    /// </summary>
    private static int? ServerErrorCode(DbException exception) =>
        exception.Data["Server Error Code"] is int code ? code : exception.ErrorCode > 0 ? exception.ErrorCode : null;
}

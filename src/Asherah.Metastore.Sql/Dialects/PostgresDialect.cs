using System.Data.Common;

namespace Asherah.Metastore.Sql.Dialects;

/// <summary>
/// PostgreSQL (e.g. through Npgsql, which this package does not reference): errors are classified by
/// <see cref="DbException.SqlState"/>, and <c>created</c> is bound as a <c>timestamp without time zone</c>.
/// </summary>
/// <remarks>
/// <para>
/// The canonical column is <c>TIMESTAMP</c> (without time zone). Npgsql sends a <see cref="DateTime"/> of kind
/// <see cref="DateTimeKind.Utc"/> as <c>timestamptz</c>, which PostgreSQL converts to <c>timestamp</c> through the
/// session's <c>TimeZone</c>: on a server or session that is not UTC the stored wall-clock would be shifted and
/// <c>created = @created</c> would compare in that zone. This dialect binds the UTC wall-clock as a
/// <see cref="DateTime"/> of kind <see cref="DateTimeKind.Unspecified"/> (sent as <c>timestamp</c>, never converted),
/// so the stored value is the UTC wall-clock whatever the server's or session's zone, and reads it back as UTC.
/// </para>
/// <para>
/// Canonical C# Asherah over Npgsql 6+ binds <c>created.UtcDateTime</c> (kind Utc): its rows hold the UTC wall-clock
/// only when its session zone is UTC, which is the deployment rule for sharing the table (canonical reference §8.3:
/// UTC everywhere). Rows canonical writes through a non-UTC session hold that zone's wall-clock and are not found at
/// their UTC time by this dialect (nor by canonical Go or Java).
/// </para>
/// <para>The statements of <see cref="SqlMetastore"/> (<c>@name</c> placeholders, <c>LIMIT 1</c>) run on Npgsql as written.</para>
/// </remarks>
internal sealed class PostgresDialect : SqlDialect
{
    private const string UniqueViolation = "23505";
    private const string DuplicateTable = "42P07";
    private const string DuplicateObject = "42710";

    public override string Name => "postgres";

    public override object ToDbValue(DateTimeOffset created) =>
        DateTime.SpecifyKind(created.UtcDateTime, DateTimeKind.Unspecified);

    public override DateTimeOffset ReadCreated(DbDataReader reader, int ordinal)
    {
        // timestamp without time zone comes back as an Unspecified DateTime holding the stored (UTC) wall-clock.
        var value = reader.GetDateTime(ordinal);
        return new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc));
    }

    public override bool IsDuplicateKey(DbException exception) => exception.SqlState == UniqueViolation;

    // During CREATE TABLE a unique violation or a duplicate object can only come from the catalog (pg_type, pg_class):
    // another session's concurrent creation of the same table (seen as "type encryption_key already exists", 42710,
    // or as a unique violation on pg_type), which has committed by the time this error is raised.
    public override bool IsConcurrentCreation(DbException exception) => exception.SqlState is UniqueViolation or DuplicateTable or DuplicateObject;

    public override bool IsTransient(DbException exception) => exception.IsTransient || IsTransientState(exception.SqlState);

    /// <summary>
    /// Connection exceptions (08xxx), serialization failure (40001), deadlock (40P01), operator intervention such as
    /// admin/crash shutdown or cannot-connect-now (57P0x), and insufficient resources (53xxx).
    /// </summary>
    internal static bool IsTransientState(string? state) =>
        state is { Length: 5 } &&
        (state.StartsWith("08", StringComparison.Ordinal) ||
         state is "40001" or "40P01" ||
         state.StartsWith("57P0", StringComparison.Ordinal) ||
         state.StartsWith("53", StringComparison.Ordinal));
}

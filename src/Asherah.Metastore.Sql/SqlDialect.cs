using System.Data.Common;

namespace Asherah.Metastore.Sql;

/// <summary>What differs between SQL databases: DDL, how <c>created</c> is bound, and how errors are classified.</summary>
/// <remarks>
/// Every dialect uses the canonical table, so records are shared with canonical Asherah over the same database:
/// <code>
/// encryption_key(id VARCHAR(255) NOT NULL, created TIMESTAMP NOT NULL, key_record TEXT NOT NULL, PRIMARY KEY (id, created))
/// </code>
/// <c>created</c> holds UTC wall-clock time to the second.
/// </remarks>
public abstract class SqlDialect
{
    /// <summary>SQLite through Microsoft.Data.Sqlite (the embedded default).</summary>
    public static SqlDialect Sqlite { get; } = new Dialects.SqliteDialect();

    /// <summary>
    /// PostgreSQL (e.g. through Npgsql): <c>created</c> is bound as <c>timestamp without time zone</c> holding the UTC
    /// wall-clock, so the server's or session's <c>TimeZone</c> never shifts it.
    /// </summary>
    public static SqlDialect Postgres { get; } = new Dialects.PostgresDialect();

    /// <summary>
    /// MySQL and MariaDB, with a provider such as MySqlConnector that reports SQL errors as <see cref="DbException"/>.
    /// </summary>
    /// <remarks>
    /// <c>created</c> is written and compared as the UTC wall-clock literal in the server's default session time zone, as
    /// canonical Asherah does, so the two share a database whatever that zone is; do not set a session time zone.
    /// The table created by <see cref="SqlMetastore.EnsureSchemaAsync"/> compares ids exactly (binary).
    /// </remarks>
    public static SqlDialect MySql { get; } = new Dialects.MySqlDialect();

    /// <summary>A short name ("sqlite", "postgres", "mysql").</summary>
    public abstract string Name { get; }

    /// <summary>The statement that creates the table if it does not exist.</summary>
    /// <remarks>Default: the canonical table as written above; a dialect overrides it where the database needs more.</remarks>
    public virtual string CreateTableSql =>
        "CREATE TABLE IF NOT EXISTS encryption_key (" +
        "id VARCHAR(255) NOT NULL, " +
        "created TIMESTAMP NOT NULL, " +
        "key_record TEXT NOT NULL, " +
        "PRIMARY KEY (id, created))";

    /// <summary>The value bound to the <c>created</c> parameter.</summary>
    public virtual object ToDbValue(DateTimeOffset created) => created.UtcDateTime;

    /// <summary>Reads the <c>created</c> column.</summary>
    public virtual DateTimeOffset ReadCreated(DbDataReader reader, int ordinal)
    {
        var value = reader.GetDateTime(ordinal);
        return new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc));
    }

    /// <summary>Whether <paramref name="exception"/> reports a primary-key violation (a duplicate store).</summary>
    public abstract bool IsDuplicateKey(DbException exception);

    /// <summary>
    /// Whether <paramref name="exception"/>, raised by <see cref="CreateTableSql"/>, reports that another session created
    /// the table at the same moment, so the table exists and the statement can simply be run again.
    /// </summary>
    /// <remarks>
    /// Default <see langword="false"/>. PostgreSQL's <c>CREATE TABLE IF NOT EXISTS</c> is not atomic: two sessions that
    /// both find no table both try to create it, and the loser fails with a unique violation on the catalog
    /// (<c>23505</c>), <c>42P07</c> (duplicate table) or <c>42710</c> (its row type already exists) once the winner commits.
    /// </remarks>
    public virtual bool IsConcurrentCreation(DbException exception) => false;

    /// <summary>
    /// Whether <paramref name="exception"/> says the <c>encryption_key</c> table does not exist. Default: SQLSTATE
    /// <c>42P01</c> (PostgreSQL) or <c>42S02</c> (MySQL, MariaDB).
    /// </summary>
    public virtual bool IsMissingTable(DbException exception) => exception.SqlState is "42P01" or "42S02";

    /// <summary>Whether retrying may succeed (connection lost, timeout, lock contention).</summary>
    public virtual bool IsTransient(DbException exception) => exception.IsTransient;
}

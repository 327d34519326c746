namespace Asherah.Metastore.Sql;

/// <summary>How a SQL metastore made by hosting (<c>AddSqlMetastore</c>, <c>UseSqlMetastore</c>) treats its table.</summary>
/// <remarks>
/// Default: the table is expected to exist. With <see cref="EnsureSchema"/> off and no table, the first operation fails
/// with a <see cref="MetastoreException"/> whose inner exception is the database's "table does not exist" error
/// (never a "key not found"). The table's DDL is the dialect's <see cref="SqlDialect.CreateTableSql"/>.
/// </remarks>
public sealed class SqlMetastoreOptions
{
    /// <summary>
    /// Whether the metastore runs <see cref="SqlMetastore.EnsureSchemaAsync"/> (<c>CREATE TABLE IF NOT EXISTS</c>) before
    /// its first use.
    /// </summary>
    /// <remarks>
    /// Default <see langword="false"/>: on a server database a DBA usually owns DDL, and the application's user need not
    /// be allowed to create tables (PostgreSQL checks that privilege even when the table exists). Turn it on for
    /// development, tests and databases the application owns. Safe when several processes start at once.
    /// </remarks>
    public bool EnsureSchema { get; set; }
}

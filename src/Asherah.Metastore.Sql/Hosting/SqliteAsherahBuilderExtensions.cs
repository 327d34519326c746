using Asherah;
using Asherah.Metastore.Sql;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the SQLite metastore to <c>AddAsherah</c>.</summary>
public static class SqliteAsherahBuilderExtensions
{
    /// <summary>
    /// Lets <see cref="AsherahOptions.Metastore"/> (<c>Asherah:Metastore</c>, <c>ASHERAH_METASTORE_MODE</c>) choose
    /// <c>sqlite</c>, over the file <see cref="AsherahOptions.ConnectionString"/> names; the table is created on first use.
    /// </summary>
    /// <remarks>Adapters cannot register themselves: the application calls this. See <see cref="SqliteMetastores"/>.</remarks>
    public static IAsherahBuilder AddSqliteMetastore(this IAsherahBuilder builder) =>
        builder.ConfigureProviders(static providers => providers.AddSqliteMetastore());

    /// <summary>
    /// Uses a SQLite metastore over <paramref name="connectionStringOrPath"/> (a path or <c>Data Source=…</c>), whatever
    /// the options name; the table is created on first use and the container disposes the metastore.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="connectionStringOrPath"/> is empty or names a directory that does not exist.</exception>
    public static IAsherahBuilder UseSqliteMetastore(this IAsherahBuilder builder, string connectionStringOrPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (SqliteMetastores.Validate(connectionStringOrPath, "The SQLite connection string") is { } problem)
        {
            throw new ArgumentException(problem, nameof(connectionStringOrPath));
        }

        return builder.UseMetastore(sp => SqliteMetastores.Create(connectionStringOrPath, sp.GetService<ILogger<SqlMetastore>>()));
    }
}

using System.Data.Common;
using Asherah;
using Asherah.Metastore.Sql;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds a SQL metastore over a driver the application brings (Npgsql, MySqlConnector) to <c>AddAsherah</c>.</summary>
/// <example>
/// <code>
/// // Chosen by configuration: Asherah:Metastore=postgres, Asherah:ConnectionString="Host=…;Database=…"
/// services.AddAsherah(configuration).AddSqlMetastore("postgres", SqlDialect.Postgres, NpgsqlDataSource.Create);
///
/// // Given in code, over a data source the container creates and disposes:
/// services.AddAsherah(configuration)
///         .UseSqlMetastore(SqlDialect.MySql, _ => new MySqlDataSource(connectionString), o => o.EnsureSchema = true);
/// </code>
/// </example>
public static class SqlAsherahBuilderExtensions
{
    /// <summary>
    /// Lets <see cref="AsherahOptions.Metastore"/> (<c>Asherah:Metastore</c>, <c>ASHERAH_METASTORE_MODE</c>) choose
    /// <paramref name="name"/>, over the data source <paramref name="createDataSource"/> makes from
    /// <see cref="AsherahOptions.ConnectionString"/>; see <see cref="SqlMetastores.AddSqlMetastore"/>.
    /// </summary>
    public static IAsherahBuilder AddSqlMetastore(
        this IAsherahBuilder builder,
        string name,
        SqlDialect dialect,
        Func<string, DbDataSource> createDataSource,
        Action<SqlMetastoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(createDataSource);
        return builder.ConfigureProviders(providers => providers.AddSqlMetastore(name, dialect, createDataSource, configure));
    }

    /// <summary>
    /// Uses a <see cref="SqlMetastore"/> in <paramref name="dialect"/> over <paramref name="dataSource"/>, whatever
    /// <see cref="AsherahOptions.Metastore"/> names.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="dialect">The database's dialect.</param>
    /// <param name="dataSource">Where connections come from; stays the caller's to dispose, after the container.</param>
    /// <param name="configure">Sets <see cref="SqlMetastoreOptions"/>; by default the table must already exist.</param>
    public static IAsherahBuilder UseSqlMetastore(this IAsherahBuilder builder, SqlDialect dialect, DbDataSource dataSource, Action<SqlMetastoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(dataSource);
        bool ensureSchema = EnsureSchema(configure);
        return builder.UseMetastore(sp => SqlMetastores.Create(dialect, dataSource, ensureSchema, ownsDataSource: false, sp.GetService<ILogger<SqlMetastore>>()));
    }

    /// <summary>
    /// Uses a <see cref="SqlMetastore"/> in <paramref name="dialect"/> over the data source
    /// <paramref name="createDataSource"/> makes when the metastore is first resolved, whatever
    /// <see cref="AsherahOptions.Metastore"/> names.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="dialect">The database's dialect.</param>
    /// <param name="createDataSource">
    /// Makes a new data source (<c>_ =&gt; NpgsqlDataSource.Create(cs)</c>). It belongs to the metastore, a container
    /// singleton, so the container disposes it; do not return one that something else disposes (pass an instance to the
    /// other overload instead).
    /// </param>
    /// <param name="configure">Sets <see cref="SqlMetastoreOptions"/>; by default the table must already exist.</param>
    public static IAsherahBuilder UseSqlMetastore(
        this IAsherahBuilder builder,
        SqlDialect dialect,
        Func<IServiceProvider, DbDataSource> createDataSource,
        Action<SqlMetastoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(createDataSource);
        bool ensureSchema = EnsureSchema(configure);
        return builder.UseMetastore(sp =>
        {
            var dataSource = createDataSource(sp) ?? throw new InvalidOperationException("The data source factory given to UseSqlMetastore returned null.");
            return SqlMetastores.Create(dialect, dataSource, ensureSchema, ownsDataSource: true, sp.GetService<ILogger<SqlMetastore>>());
        });
    }

    private static bool EnsureSchema(Action<SqlMetastoreOptions>? configure)
    {
        var options = new SqlMetastoreOptions();
        configure?.Invoke(options);
        return options.EnsureSchema;
    }
}

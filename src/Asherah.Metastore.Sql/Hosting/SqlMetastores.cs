using System.Data.Common;
using Asherah.Metastore.Sql.Hosting;
using Microsoft.Extensions.Logging;

namespace Asherah.Metastore.Sql;

/// <summary>
/// Named SQL metastore providers over a driver the application brings: a <see cref="SqlMetastore"/> in the given
/// <see cref="SqlDialect"/> over a data source made from <see cref="AsherahOptions.ConnectionString"/>.
/// </summary>
/// <remarks>
/// <para>
/// This package references no PostgreSQL or MySQL driver; the application passes the driver's data source factory:
/// <code>
/// providers.AddSqlMetastore("postgres", SqlDialect.Postgres, NpgsqlDataSource.Create);             // Npgsql
/// providers.AddSqlMetastore("mysql", SqlDialect.MySql, cs => new MySqlDataSource(cs));            // MySqlConnector
/// // Asherah:Metastore=postgres, Asherah:ConnectionString="Host=db;Username=app;Password=…;Database=keys"
/// </code>
/// </para>
/// <para>
/// The metastore owns the data source it made and disposes it with itself (the container under dependency injection,
/// the <see cref="SessionFactory"/> on the plain path). The connection string is never put in a message: it may hold a
/// password.
/// </para>
/// </remarks>
public static class SqlMetastores
{
    private const string ConfigurationKey = "Asherah:ConnectionString (environment ASHERAH_CONNECTION_STRING)";

    /// <summary>
    /// Lets <see cref="AsherahOptions.Metastore"/> choose <paramref name="name"/>: a <see cref="SqlMetastore"/> in
    /// <paramref name="dialect"/> over the data source <paramref name="createDataSource"/> makes from
    /// <see cref="AsherahOptions.ConnectionString"/>.
    /// </summary>
    /// <param name="providers">The providers to add to.</param>
    /// <param name="name">The name (case-insensitive), such as <c>postgres</c> or <c>mysql</c>.</param>
    /// <param name="dialect">The database's dialect.</param>
    /// <param name="createDataSource">
    /// Makes a data source from a connection string without connecting (<c>NpgsqlDataSource.Create</c>,
    /// <c>cs =&gt; new MySqlDataSource(cs)</c>); an <see cref="ArgumentException"/> from it means the connection string
    /// is malformed. Validation calls it once at start and disposes what it returns.
    /// </param>
    /// <param name="configure">Sets <see cref="SqlMetastoreOptions"/>; by default the table must already exist.</param>
    /// <remarks>
    /// Validation at start: a missing connection string, or one the driver rejects, is an error naming
    /// <c>Asherah:ConnectionString</c>.
    /// </remarks>
    public static AsherahProviders AddSqlMetastore(
        this AsherahProviders providers,
        string name,
        SqlDialect dialect,
        Func<string, DbDataSource> createDataSource,
        Action<SqlMetastoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(createDataSource);
        var options = new SqlMetastoreOptions();
        configure?.Invoke(options);
        bool ensureSchema = options.EnsureSchema;
        return providers.AddMetastore(
            name,
            context =>
            {
                var logger = context.Services.GetService(typeof(ILogger<SqlMetastore>)) as ILogger<SqlMetastore>;
                var dataSource = CreateDataSource(name, context.Options.ConnectionString, createDataSource);
                return Create(dialect, dataSource, ensureSchema, ownsDataSource: true, logger);
            },
            context => Validate(name, context.Options.ConnectionString, createDataSource));
    }

    /// <summary>The metastore hosting hands out: <see cref="SqlMetastore"/> with the schema and ownership policy.</summary>
    internal static IMetastore Create(SqlDialect dialect, DbDataSource dataSource, bool ensureSchema, bool ownsDataSource, ILogger<SqlMetastore>? logger)
    {
        var metastore = new SqlMetastore(dataSource, dialect, logger);
        return ensureSchema || ownsDataSource
            ? new HostedSqlMetastore(metastore, ensureSchema, ownsDataSource ? dataSource : null)
            : metastore;
    }

    /// <summary>What is wrong with <paramref name="connectionString"/> for the metastore <paramref name="name"/>, or <see langword="null"/>.</summary>
    internal static string? Validate(string name, string? connectionString, Func<string, DbDataSource> createDataSource)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return $"The {name} metastore needs {ConfigurationKey}: the database's connection string.";
        }

        try
        {
            using var dataSource = createDataSource(connectionString);
            return null;
        }
        catch (ArgumentException e)
        {
            return Malformed(name, e);
        }
    }

    private static DbDataSource CreateDataSource(string name, string? connectionString, Func<string, DbDataSource> createDataSource)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException($"The {name} metastore needs {ConfigurationKey}: the database's connection string.");
        }

        try
        {
            return createDataSource(connectionString)
                ?? throw new InvalidOperationException($"The data source factory of the {name} metastore returned null.");
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException(Malformed(name, e), e);
        }
    }

    // The driver's message names the keyword or form it rejected; the connection string itself is never repeated.
    private static string Malformed(string name, ArgumentException e) =>
        $"{ConfigurationKey} is not a valid connection string for the {name} metastore: {e.Message}";
}

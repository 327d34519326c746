using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Asherah.Metastore.Sql;

/// <summary>
/// A metastore in a SQL database over ADO.NET, in the canonical <c>encryption_key</c> table.
/// </summary>
/// <remarks>
/// <code>
/// load:        SELECT id, key_record FROM encryption_key WHERE id = @id AND created = @created
/// load latest: SELECT id, key_record FROM encryption_key WHERE id = @id ORDER BY created DESC LIMIT 1
/// store:       INSERT INTO encryption_key (id, created, key_record) VALUES (@id, @created, @key_record)
/// revoke:      load, then UPDATE encryption_key SET key_record = @revoked WHERE id = @id AND created = @created AND key_record = @loaded
/// </code>
/// A returned row counts only if its <c>id</c> equals the requested id ordinally: a table whose collation ignores case
/// or trailing spaces (canonical's MySQL DDL names none) would otherwise hand <c>Partition-1</c> the keys of
/// <c>partition-1</c>. When the latest row belongs to such a look-alike id, the id's rows are read newest first until one
/// matches exactly.
/// A primary-key violation on store returns <see langword="false"/> (another writer won); every other database error
/// throws <see cref="MetastoreException"/>, with <see cref="MetastoreException.IsTransient"/> set when a retry may
/// succeed. Canonical C# swallows such errors and turns an outage into missing keys; this class does not.
/// Connections come from the <see cref="DbDataSource"/> per call (pooling is the provider's).
/// </remarks>
public sealed class SqlMetastore : IMetastore, IMetastoreCatalog, IKeyRevoker
{
    private const string LoadSql = "SELECT id, key_record FROM encryption_key WHERE id = @id AND created = @created";
    private const string LoadLatestSql = "SELECT id, key_record FROM encryption_key WHERE id = @id ORDER BY created DESC LIMIT 1";
    private const string LoadHistorySql = "SELECT id, key_record FROM encryption_key WHERE id = @id ORDER BY created DESC";
    private const string StoreSql = "INSERT INTO encryption_key (id, created, key_record) VALUES (@id, @created, @key_record)";
    private const string RevokeSql = "UPDATE encryption_key SET key_record = @revoked WHERE id = @id AND created = @created AND key_record = @loaded";
    private const string ListSql = "SELECT id, created, key_record FROM encryption_key ORDER BY id, created";

    private readonly DbDataSource _dataSource;
    private readonly SqlDialect _dialect;
    private readonly ILogger _logger;

    /// <summary>Creates the metastore.</summary>
    /// <param name="dataSource">Where connections come from; stays the caller's to dispose.</param>
    /// <param name="dialect">The database's dialect, e.g. <see cref="SqlDialect.Sqlite"/>.</param>
    /// <param name="logger">Where failures are logged; none by default.</param>
    public SqlMetastore(DbDataSource dataSource, SqlDialect dialect, ILogger<SqlMetastore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(dialect);
        _dataSource = dataSource;
        _dialect = dialect;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>SQL metastores have no region suffix.</summary>
    public string? KeySuffix => null;

    /// <summary>The dialect in use.</summary>
    public SqlDialect Dialect => _dialect;

    /// <summary>Creates the <c>encryption_key</c> table if it does not exist.</summary>
    /// <remarks>
    /// Safe to run from several processes at once: when the database reports that another session created the table
    /// at the same moment (<see cref="SqlDialect.IsConcurrentCreation"/>), the statement is run again and finds it.
    /// Needs the privilege to create tables, even when the table exists (PostgreSQL checks it first).
    /// </remarks>
    /// <exception cref="MetastoreException">The database refused or failed.</exception>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        await RunAsync("create schema", async ct =>
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    await using var command = _dataSource.CreateCommand(_dialect.CreateTableSql);
                    await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    return true;
                }
                catch (DbException e) when (attempt < MaxSchemaAttempts && _dialect.IsConcurrentCreation(e))
                {
                    // Another session won the race and has committed: the next IF NOT EXISTS sees its table.
                }
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How often <see cref="EnsureSchemaAsync"/> runs its statement when it keeps losing creation races.</summary>
    private const int MaxSchemaAttempts = 3;

    /// <inheritdoc />
    public ValueTask<EnvelopeKeyRecord?> LoadAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        return new(RunAsync("load", async ct =>
        {
            await using var command = _dataSource.CreateCommand(LoadSql);
            AddParameter(command, "id", keyId);
            AddParameter(command, "created", _dialect.ToDbValue(Truncate(created)));
            return (await ReadExactAsync(command, keyId, ct).ConfigureAwait(false)).Record;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask<EnvelopeKeyRecord?> LoadLatestAsync(string keyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        return new(RunAsync("load latest", async ct =>
        {
            EnvelopeKeyRecord? record;
            bool lookAlike;
            await using (var command = _dataSource.CreateCommand(LoadLatestSql))
            {
                AddParameter(command, "id", keyId);
                (record, lookAlike) = await ReadExactAsync(command, keyId, ct).ConfigureAwait(false);
            }

            if (record is null && lookAlike)
            {
                // The newest row the collation matched is another id's; look further back for this id's own.
                await using var history = _dataSource.CreateCommand(LoadHistorySql);
                AddParameter(history, "id", keyId);
                record = (await ReadExactAsync(history, keyId, ct).ConfigureAwait(false)).Record;
            }

            return record;
        }, cancellationToken));
    }

    /// <summary>
    /// The first row (columns <c>id</c>, <c>key_record</c>) whose id equals <paramref name="keyId"/> ordinally, and whether
    /// a row of another id came first.
    /// </summary>
    private static async Task<(EnvelopeKeyRecord? Record, bool LookAlike)> ReadExactAsync(DbCommand command, string keyId, CancellationToken ct)
    {
        bool lookAlike = false;
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            if (string.Equals(ReadId(reader, 0), keyId, StringComparison.Ordinal))
            {
                return (ParseRecord(keyId, reader.GetValue(1)), lookAlike);
            }

            lookAlike = true;
        }

        return (null, lookAlike);
    }

    /// <summary>The <c>id</c> column, which a binary column (MySQL's <c>VARBINARY</c>) returns as UTF-8 bytes.</summary>
    private static string ReadId(DbDataReader reader, int ordinal) =>
        reader.GetValue(ordinal) is byte[] bytes ? System.Text.Encoding.UTF8.GetString(bytes) : reader.GetString(ordinal);

    /// <inheritdoc />
    public async ValueTask<bool> StoreAsync(string keyId, DateTimeOffset created, EnvelopeKeyRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            await using var command = _dataSource.CreateCommand(StoreSql);
            AddParameter(command, "id", keyId);
            AddParameter(command, "created", _dialect.ToDbValue(Truncate(created)));
            AddParameter(command, "key_record", record.ToJson());
            return await UntilCancelled(command.ExecuteNonQueryAsync(cancellationToken), cancellationToken).ConfigureAwait(false) == 1;
        }
        catch (DbException e) when (_dialect.IsDuplicateKey(e))
        {
            return false;
        }
        catch (Exception e) when (IsDatabaseFailure(e))
        {
            throw Failure("store a key record", e);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// A compare-and-set without locks or transactions: the row is read, its JSON rewritten with <c>"Revoked":true</c>
    /// (every other field as stored, in the canonical layout) and written back only if it still holds what was read. A
    /// concurrent change makes the update match nothing, and the whole step is tried again (at most
    /// <see cref="MaxRevokeAttempts"/> times).
    /// </remarks>
    public ValueTask<bool> RevokeAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        var createdValue = _dialect.ToDbValue(Truncate(created));
        return new(RunAsync("revoke a key record", async ct =>
        {
            for (int attempt = 1; ; attempt++)
            {
                string? loaded = null;
                bool found = false;
                await using (var command = _dataSource.CreateCommand(LoadSql))
                {
                    AddParameter(command, "id", keyId);
                    AddParameter(command, "created", createdValue);
                    await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        if (string.Equals(ReadId(reader, 0), keyId, StringComparison.Ordinal))
                        {
                            var value = reader.GetValue(1);
                            found = true;
                            loaded = value is DBNull ? null : value as string ?? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
                            break;
                        }
                    }
                }

                if (!found)
                {
                    return false;
                }

                var record = ParseRecord(keyId, loaded);

                if (record.IsRevoked)
                {
                    return true;
                }

                await using (var update = _dataSource.CreateCommand(RevokeSql))
                {
                    AddParameter(update, "revoked", record.WithRevoked(true).ToJson());
                    AddParameter(update, "id", keyId);
                    AddParameter(update, "created", createdValue);
                    AddParameter(update, "loaded", loaded!);
                    if (await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0)
                    {
                        return true;
                    }
                }

                if (attempt == MaxRevokeAttempts)
                {
                    throw new MetastoreException($"The SQL metastore could not revoke '{keyId}': its record kept changing.", null, isTransient: true);
                }
            }
        }, cancellationToken));
    }

    /// <summary>How often <see cref="RevokeAsync"/> retries when the record changes between its read and its update.</summary>
    private const int MaxRevokeAttempts = 5;

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredKeyRecord> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var rows = await RunAsync("list", async ct =>
        {
            var list = new List<StoredKeyRecord>();
            await using var command = _dataSource.CreateCommand(ListSql);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                string id = ReadId(reader, 0);
                var created = ReadCreated(reader, id);
                var record = ParseRecord(id, reader.GetValue(2));
                list.Add(new StoredKeyRecord(id, created, record));
            }

            return list;
        }, cancellationToken).ConfigureAwait(false);
        foreach (var row in rows)
        {
            yield return row;
        }
    }

    /// <summary>The row's <c>created</c> column; a value the dialect cannot read is a malformed row, not a crash.</summary>
    private DateTimeOffset ReadCreated(DbDataReader reader, string keyId)
    {
        try
        {
            return _dialect.ReadCreated(reader, 1);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or ArgumentOutOfRangeException or OverflowException)
        {
            throw new MetastoreException($"The SQL metastore holds a malformed created time for '{keyId}'.", e);
        }
    }

    private static DateTimeOffset Truncate(DateTimeOffset created) => DateTimeOffset.FromUnixTimeSeconds(created.ToUnixTimeSeconds());

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static EnvelopeKeyRecord ParseRecord(string keyId, object? value)
    {
        if (value is null or DBNull)
        {
            // The row exists (a table made without canonical's NOT NULL): reporting "no such key" would make the caller
            // write a new one over a damaged store.
            throw new MetastoreException($"The SQL metastore holds a row without a key record for '{keyId}'.");
        }

        try
        {
            return EnvelopeKeyRecord.Parse(value as string ?? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!);
        }
        catch (FormatException e)
        {
            throw new MetastoreException($"The SQL metastore holds a malformed key record for '{keyId}'.", e);
        }
    }

    private async Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await UntilCancelled(work(cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsDatabaseFailure(e))
        {
            throw Failure(operation, e);
        }
    }

    /// <summary>
    /// <paramref name="task"/>, or the caller's cancellation as soon as it comes: Npgsql and MySqlConnector ignore the
    /// token while a connection is being opened, so against a server that accepted the connection and never answers (a
    /// stopped process, a black-holed route) the call would otherwise wait out the driver's connect timeout. The abandoned
    /// statement ends on that timeout; its outcome is observed and dropped.
    /// </summary>
    private static async Task<T> UntilCancelled<T>(Task<T> task, CancellationToken cancellationToken)
    {
        try
        {
            return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!task.IsCompleted)
        {
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    /// <summary>
    /// A database error, or an I/O failure a driver let through unwrapped (a broken socket, a timeout); cancellation and
    /// programming errors pass as they are.
    /// </summary>
    private static bool IsDatabaseFailure(Exception e) =>
        e is DbException or IOException or System.Net.Sockets.SocketException or TimeoutException;

    /// <summary>
    /// The exception for a failed <paramref name="operation"/>: transient as the dialect judges a database error, always
    /// for raw I/O; a missing table is said plainly, with what to do.
    /// </summary>
    private MetastoreException Failure(string operation, Exception e)
    {
        SqlMetastoreLog.Failed(_logger, operation, e);
        if (e is DbException db)
        {
            return _dialect.IsMissingTable(db)
                ? new MetastoreException(
                    $"The SQL metastore failed to {operation}: the table encryption_key does not exist. Create it with the " +
                    $"{_dialect.Name} DDL (README, SQL metastores), SqlMetastore.EnsureSchemaAsync or SqlMetastoreOptions.EnsureSchema.",
                    e)
                : new MetastoreException($"The SQL metastore failed to {operation}.", e, _dialect.IsTransient(db));
        }

        return new MetastoreException($"The SQL metastore failed to {operation}: the connection to the database failed.", e, isTransient: true);
    }
}

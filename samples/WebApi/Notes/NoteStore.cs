using Microsoft.Data.Sqlite;

namespace Asherah.Samples.WebApi.Notes;

/// <summary>
/// The application's own table of encrypted notes, in its own SQLite file (Asherah's keys live in another one). It
/// stores what Asherah returns and never sees plaintext.
/// </summary>
/// <remarks>
/// <code>
/// notes(id TEXT PRIMARY KEY,     -- a GUID, "D" format
///       record TEXT NOT NULL)    -- the data row record: {"Key": {...}, "Data": "base64(ciphertext ‖ tag ‖ nonce)"}
/// </code>
/// There is no user column: which user a note belongs to is bound into its record (its intermediate key is the user's
/// partition's), so a session for another user refuses it even when a query forgets to filter by owner.
/// A connection is opened per call; Microsoft.Data.Sqlite pools them.
/// </remarks>
public sealed class NoteStore
{
    private readonly string _connectionString;

    /// <summary>Creates the store over the SQLite file <paramref name="path"/> (created if missing; its directory must exist).</summary>
    public NoteStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate }.ToString();
    }

    /// <summary>Creates the table if it does not exist.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE IF NOT EXISTS notes (id TEXT PRIMARY KEY, record TEXT NOT NULL)";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Stores the data row record <paramref name="record"/> (UTF-8 JSON) under <paramref name="id"/>.</summary>
    public async Task InsertAsync(Guid id, string record, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO notes (id, record) VALUES ($id, $record)";
        command.Parameters.AddWithValue("$id", id.ToString("D"));
        command.Parameters.AddWithValue("$record", record);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The data row record stored under <paramref name="id"/>, or <see langword="null"/> when there is none.</summary>
    public async Task<string?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT record FROM notes WHERE id = $id";
        command.Parameters.AddWithValue("$id", id.ToString("D"));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

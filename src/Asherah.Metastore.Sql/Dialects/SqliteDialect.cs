using System.Data.Common;

namespace Asherah.Metastore.Sql.Dialects;

/// <summary>SQLite: <c>created</c> is stored as <c>yyyy-MM-dd HH:mm:ss</c> text, which sorts in time order.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    private const int SqliteError = 1;
    private const int SqliteConstraint = 19;
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    public override string Name => "sqlite";

    // Bind text ourselves so the stored form does not depend on the driver's DateTime formatting.
    public override object ToDbValue(DateTimeOffset created) =>
        created.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    public override DateTimeOffset ReadCreated(DbDataReader reader, int ordinal)
    {
        var text = reader.GetString(ordinal);
        var value = DateTime.ParseExact(text, "yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
        return new DateTimeOffset(value, TimeSpan.Zero);
    }

    public override bool IsDuplicateKey(DbException exception) => ErrorCode(exception) == SqliteConstraint;

    // SQLite reports a missing table as the generic SQLITE_ERROR (1) with this text.
    public override bool IsMissingTable(DbException exception) =>
        ErrorCode(exception) == SqliteError && exception.Message.Contains("no such table", StringComparison.Ordinal);

    public override bool IsTransient(DbException exception) =>
        ErrorCode(exception) is SqliteBusy or SqliteLocked || exception.IsTransient;

    // Microsoft.Data.Sqlite reports the SQLite result code as SqliteException.SqliteErrorCode (the package references it
    // for the sqlite provider, so no reflection, which trimming would break); other providers report it as ErrorCode.
    private static int ErrorCode(DbException exception) =>
        exception is Microsoft.Data.Sqlite.SqliteException sqlite ? sqlite.SqliteErrorCode : exception.ErrorCode;
}

using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace Asherah.Metastore.Sql.Dialects;

/// <summary>SQLite: <c>created</c> is stored as <c>yyyy-MM-dd HH:mm:ss</c> text, which sorts in time order.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    private const int SqliteConstraint = 19;
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const string SqliteExceptionType = "Microsoft.Data.Sqlite.SqliteException";
    private const string SqliteAssembly = "Microsoft.Data.Sqlite";
    private const string SqliteErrorCodeProperty = "SqliteErrorCode";

    public override string Name => "sqlite";

    public override string CreateTableSql =>
        "CREATE TABLE IF NOT EXISTS encryption_key (" +
        "id VARCHAR(255) NOT NULL, " +
        "created TIMESTAMP NOT NULL, " +
        "key_record TEXT NOT NULL, " +
        "PRIMARY KEY (id, created))";

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

    public override bool IsTransient(DbException exception) =>
        ErrorCode(exception) is SqliteBusy or SqliteLocked || exception.IsTransient;

    // Microsoft.Data.Sqlite reports the SQLite result code only as SqliteException.SqliteErrorCode (DbException.ErrorCode
    // is the generic E_FAIL and SqlState is unset). Read it without a dependency on the provider, so this package works
    // with any ADO.NET SQLite provider that exposes it. DynamicDependency keeps that property through trimming and
    // NativeAOT whenever Microsoft.Data.Sqlite is in the app, which makes the reflection below safe.
    [DynamicDependency(SqliteErrorCodeProperty, SqliteExceptionType, SqliteAssembly)]
    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2075:'this' argument does not satisfy 'DynamicallyAccessedMembersAttribute'",
        Justification = "SqliteException.SqliteErrorCode is kept by the DynamicDependency above; other providers fall back to ErrorCode.")]
    private static int ErrorCode(DbException exception) =>
        exception.GetType().GetProperty(SqliteErrorCodeProperty)?.GetValue(exception) is int code ? code : exception.ErrorCode;
}

using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Asherah.Cli.Configuration;

/// <summary>
/// The CLI's SQLite metastore: forwards to the <see cref="IMetastore"/> the core's <c>sqlite</c> provider made over the
/// file and, when it fails (opening the file and creating the table included: the provider does both on first use),
/// says which operation, which file and SQLite's own reason ("unable to open database file", "file is not a
/// database", …) on one line. The caller disposes the inner metastore.
/// </summary>
internal sealed partial class SqliteMetastoreFile : ExplainingMetastore
{
    private readonly string _path;

    public SqliteMetastoreFile(IMetastore inner, string path)
        : base(inner)
    {
        _path = path;
    }

    /// <summary>
    /// A metastore failure restated for a person: <c>cannot OPERATION in the SQLite metastore 'PATH': REASON</c>, where
    /// REASON is SQLite's message when the database failed, else the library's.
    /// </summary>
    protected override MetastoreException Explain(MetastoreException e, string operation) =>
        new($"cannot {operation} in the SQLite metastore '{_path}': {Reason(e)}", e, e.IsTransient);

    /// <summary>SQLite's own words for a failure ("unable to open database file"), else the exception's message.</summary>
    private static string Reason(Exception e)
    {
        if (e.InnerException is SqliteException sqlite)
        {
            var match = SqliteMessage().Match(sqlite.Message);
            return match.Success ? match.Groups[1].Value : sqlite.Message;
        }

        return e.InnerException is null ? e.Message : $"{e.Message.TrimEnd('.')}: {e.InnerException.Message}";
    }

    // Microsoft.Data.Sqlite words its messages "SQLite Error 14: 'unable to open database file'.".
    [GeneratedRegex(@"^SQLite Error \d+: '(.*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex SqliteMessage();
}

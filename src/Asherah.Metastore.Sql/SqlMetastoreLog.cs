using Microsoft.Extensions.Logging;

namespace Asherah.Metastore.Sql;

/// <summary>Log messages of the SQL metastore (event ids 200–299).</summary>
internal static partial class SqlMetastoreLog
{
    [LoggerMessage(200, LogLevel.Error, "SQL metastore {Operation} failed")]
    public static partial void Failed(ILogger logger, string operation, Exception exception);
}

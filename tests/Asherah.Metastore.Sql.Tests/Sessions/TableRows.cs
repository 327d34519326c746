using System.Data.Common;

namespace Asherah.Metastore.Sql.Tests.Sessions;

/// <summary>Counts the rows of <c>encryption_key</c> for one id, straight from the table.</summary>
public static class TableRows
{
    public static async Task<int> CountAsync(DbDataSource dataSource, string keyId)
    {
        await using var command = dataSource.CreateCommand("SELECT COUNT(*) FROM encryption_key WHERE id = @id");
        var parameter = command.CreateParameter();
        parameter.ParameterName = "id";
        parameter.Value = keyId;
        command.Parameters.Add(parameter);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

using System.Data.Common;

namespace Asherah.Metastore.Sql.Tests;

/// <summary>
/// Inserts a key record as canonical C# <c>AdoMetastoreImpl</c> does (canonical reference §8.3): its INSERT text,
/// parameters named without a prefix, <c>created</c> bound as <c>created.UtcDateTime</c> (kind Utc), a new connection per
/// call. What that gives depends on the provider and the session: the callers pick the session canonical would have.
/// </summary>
internal static class CanonicalAdoWriter
{
    private const string StoreSql = "INSERT INTO encryption_key (id, created, key_record) VALUES (@id, @created, @key_record)";

    public static async Task InsertAsync(DbDataSource dataSource, string id, DateTimeOffset created, string keyRecordJson)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = StoreSql;
        Add(command, "id", id);
        Add(command, "created", created.UtcDateTime);
        Add(command, "key_record", keyRecordJson);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}

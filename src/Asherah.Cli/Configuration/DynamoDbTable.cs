using Amazon.DynamoDBv2.Model;
using Asherah.Metastore.DynamoDb;

namespace Asherah.Cli.Configuration;

/// <summary>
/// The CLI's DynamoDB metastore: forwards to the <see cref="DynamoDbMetastore"/> the <c>dynamodb</c> provider made and
/// restates a failure on one line as <c>cannot OPERATION in the dynamodb metastore (table TABLE at WHERE): REASON</c>,
/// WHERE being the endpoint or the region, REASON the library's message and the SDK's own words ("Connection refused",
/// "Unable to get IAM security credentials"). A missing table says how to create it. With <c>--create-table</c>,
/// <see cref="EnsureTableAsync"/> creates the table (and waits until it is active) before first use.
/// </summary>
internal sealed class DynamoDbTable : ExplainingMetastore
{
    private readonly DynamoDbMetastore _inner;
    private readonly string _where;

    public DynamoDbTable(DynamoDbMetastore inner, DynamoDbMetastoreOptions options)
        : base(inner)
    {
        _inner = inner;
        _where = $"table {options.TableName} at {options.Endpoint ?? options.Region ?? "the AWS SDK's default region"}";
    }

    /// <summary>Creates the table when it does not exist, and waits until it is active.</summary>
    /// <exception cref="MetastoreException">DynamoDB refused or could not be reached; the message says where and why.</exception>
    public async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _inner.EnsureTableAsync(cancellationToken);
        }
        catch (MetastoreException e)
        {
            throw Explain(e, "create the table");
        }
    }

    protected override MetastoreException Explain(MetastoreException e, string operation) =>
        new($"cannot {operation} in the dynamodb metastore ({_where}): {Reason(e)}", e, e.IsTransient);

    private static string Reason(MetastoreException e)
    {
        if (e.InnerException is ResourceNotFoundException)
        {
            return "the table does not exist; create it with --create-table (or have its owner create it: hash key Id S, range key Created N)";
        }

        var reason = e.Message.TrimEnd('.');
        for (var inner = e.InnerException; inner is not null && reason.Length < 1000; inner = inner.InnerException)
        {
            // The SDK wraps a transport failure in layers that often repeat one message.
            var message = inner.Message.TrimEnd('.');
            if (!reason.Contains(message, StringComparison.Ordinal))
            {
                reason += ": " + message;
            }
        }

        return reason;
    }
}

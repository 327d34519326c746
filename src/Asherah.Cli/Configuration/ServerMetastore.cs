namespace Asherah.Cli.Configuration;

/// <summary>
/// The CLI's PostgreSQL or MySQL metastore: forwards to the metastore the named provider made and restates a failure on
/// one line as <c>cannot OPERATION in the NAME metastore (HOST:PORT/DATABASE): REASON</c>, REASON being the database's
/// or driver's own words ("relation "encryption_key" does not exist", "Connection refused"). The connection string's
/// password is never shown. A missing table adds how to create it.
/// </summary>
internal sealed class ServerMetastore : ExplainingMetastore
{
    private readonly string _name;
    private readonly string _where;

    public ServerMetastore(IMetastore inner, string name, string where)
        : base(inner)
    {
        _name = name;
        _where = where;
    }

    protected override MetastoreException Explain(MetastoreException e, string operation) =>
        new($"cannot {operation} in the {_name} metastore ({_where}): {Reason(e)}", e, e.IsTransient);

    private static string Reason(MetastoreException e)
    {
        var reason = e.Message.TrimEnd('.');
        for (var inner = e.InnerException; inner is not null && reason.Length < 1000; inner = inner.InnerException)
        {
            reason += ": " + ServerMetastores.MessageOf(inner).TrimEnd('.');
        }

        return ServerMetastores.IsMissingTable(e.InnerException)
            ? reason + "; create the table with --create-table (or have its owner run the DDL)"
            : reason;
    }
}

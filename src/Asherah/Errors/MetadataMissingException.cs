namespace Asherah;

/// <summary>
/// A key a record refers to is not in the metastore, or the record does not belong to the session's partition.
/// </summary>
public sealed class MetadataMissingException : AsherahException
{
    /// <summary>Creates the exception.</summary>
    public MetadataMissingException(string message)
        : base(message)
    {
    }
}

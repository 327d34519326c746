namespace Asherah;

/// <summary>The metastore failed to load or store a key record.</summary>
public sealed class MetastoreException : AsherahException
{
    /// <summary>Creates the exception.</summary>
    public MetastoreException(string message, Exception? innerException = null, bool isTransient = false)
        : base(message, innerException)
    {
        IsTransient = isTransient;
    }

    /// <summary>Whether retrying later may succeed (the store was unreachable, timed out or was throttled).</summary>
    public bool IsTransient { get; }
}

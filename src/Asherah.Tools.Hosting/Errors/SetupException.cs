namespace Asherah.Tools.Hosting;

/// <summary>
/// A file or directory the programs set up for themselves (the data directory, the SQLite metastore's directory, the
/// development master key) cannot be created; the message says which path and why. The programs print it on one line
/// and exit 1.
/// </summary>
public sealed class SetupException : Exception
{
    /// <summary>A set-up failure described by <paramref name="message"/>.</summary>
    public SetupException(string message)
        : base(message)
    {
    }

    /// <summary>A set-up failure with no description.</summary>
    public SetupException()
    {
    }

    /// <summary>A set-up failure described by <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public SetupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

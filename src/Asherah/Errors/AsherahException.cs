namespace Asherah;

/// <summary>The base of every exception Asherah throws on purpose.</summary>
public class AsherahException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AsherahException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the exception that caused it.</summary>
    public AsherahException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

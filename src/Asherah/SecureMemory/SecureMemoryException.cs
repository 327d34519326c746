namespace Asherah;

/// <summary>Secure memory could not be allocated, locked or protected.</summary>
/// <remarks>
/// The usual cause is the process's locked-memory limit (<c>ulimit -l</c>, <c>RLIMIT_MEMLOCK</c>). Raise it, cache fewer
/// keys, or allow the documented fallback to unlocked memory.
/// </remarks>
public sealed class SecureMemoryException : AsherahException
{
    /// <summary>Creates the exception.</summary>
    public SecureMemoryException(string message, int errorCode = 0)
        : base(message)
    {
        ErrorCode = errorCode;
    }

    /// <summary>The operating system's error number (errno), or 0.</summary>
    public int ErrorCode { get; }
}

namespace Asherah;

/// <summary>The key management service failed to encrypt or decrypt a system key.</summary>
public sealed class KmsException : AsherahException
{
    /// <summary>Creates the exception.</summary>
    public KmsException(string message, Exception? innerException = null, bool isTransient = false)
        : base(message, innerException)
    {
        IsTransient = isTransient;
    }

    /// <summary>Whether retrying later may succeed (the service was unreachable or throttled).</summary>
    public bool IsTransient { get; }
}

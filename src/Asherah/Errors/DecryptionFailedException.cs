namespace Asherah;

/// <summary>
/// A data row record, or a key it depends on, could not be decrypted: it is malformed, was tampered with, or was
/// encrypted under another key.
/// </summary>
/// <remarks>
/// Every authentication failure surfaces as this one type with one message, so a caller cannot learn which layer or
/// which check failed.
/// </remarks>
public sealed class DecryptionFailedException : AsherahException
{
    /// <summary>Creates the exception.</summary>
    public DecryptionFailedException(string message)
        : base(message)
    {
    }
}

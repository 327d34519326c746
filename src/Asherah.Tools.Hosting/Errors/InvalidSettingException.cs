namespace Asherah.Tools.Hosting;

/// <summary>
/// A bad option, environment variable or configuration value found after parsing; the message names the setting and
/// says what it must be, never echoing a secret. The programs print it on one line and exit with their usage code (2).
/// </summary>
public sealed class InvalidSettingException : Exception
{
    /// <summary>A bad setting described by <paramref name="message"/>.</summary>
    public InvalidSettingException(string message)
        : base(message)
    {
    }

    /// <summary>A bad setting with no description.</summary>
    public InvalidSettingException()
    {
    }

    /// <summary>A bad setting described by <paramref name="message"/>, found through <paramref name="innerException"/>.</summary>
    public InvalidSettingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Asherah.Cli.Configuration;

/// <summary>A bad option value found after parsing (e.g. from an environment variable); exits with the usage code.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException()
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

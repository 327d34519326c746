namespace Asherah.Cli.Configuration;

/// <summary>A runtime failure the CLI has already worded for a person (exits 1, message printed as is).</summary>
internal sealed class CliException : Exception
{
    public CliException(string message)
        : base(message)
    {
    }

    public CliException()
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

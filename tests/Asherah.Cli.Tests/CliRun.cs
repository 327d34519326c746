using System.Text;

namespace Asherah.Cli.Tests;

/// <summary>The result of one in-process invocation.</summary>
public sealed record CliResult(int ExitCode, byte[] Stdout, string Stderr)
{
    public string StdoutText => Encoding.UTF8.GetString(Stdout);

    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// Runs the CLI in-process against a private temp data directory and a controlled environment (never the real
/// one, so a developer's ASHERAH_* variables and ~/.local/share cannot leak in).
/// </summary>
public sealed class CliRun : IDisposable
{
    public CliRun()
    {
        DataDir = Path.Combine(Path.GetTempPath(), "asherah-cli-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDir);
        Environment = new Dictionary<string, string?>
        {
            ["ASHERAH_DATA_DIR"] = DataDir,
            ["HOME"] = DataDir,
        };
    }

    public string DataDir { get; }

    public Dictionary<string, string?> Environment { get; }

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(Array.Empty<byte>(), args);

    public async Task<CliResult> RunAsync(byte[] stdin, params string[] args)
    {
        using var input = new MemoryStream(stdin);
        using var output = new MemoryStream();
        using var error = new StringWriter { NewLine = "\n" };
        int exitCode = await Cli.RunAsync(args, input, output, error, Environment);
        return new CliResult(exitCode, output.ToArray(), error.ToString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

namespace Asherah.Cli.Tests;

public sealed class CliTests : IDisposable
{
    private readonly CliRun _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Help_CallsTheCommandAsherahAndListsCommands()
    {
        var result = await _cli.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("asherah [command] [options]", result.StdoutText, StringComparison.Ordinal);
        foreach (var command in new[] { "encrypt", "decrypt", "keys", "vectors" })
        {
            Assert.Contains("  " + command + " ", result.StdoutText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task NoCommand_IsAUsageError()
    {
        var result = await _cli.RunAsync();

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("asherah --help", result.Stderr, StringComparison.Ordinal);
    }
}

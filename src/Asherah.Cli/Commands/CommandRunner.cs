using Asherah.Cli.Configuration;

namespace Asherah.Cli.Commands;

/// <summary>Runs a command body and turns failures into one stderr line and an exit code, never a stack trace.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(CliConsole console, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (UsageException ex)
        {
            await console.Error.WriteLineAsync(OneLine(ex.Message));
            return Cli.UsageError;
        }
        catch (OperationCanceledException)
        {
            await console.Error.WriteLineAsync("Cancelled.");
            return Cli.Failure;
        }
        catch (Exception ex)
        {
            await console.Error.WriteLineAsync(OneLine(ex.Message));
            return Cli.Failure;
        }
    }

    /// <summary>Collapses a message to a single line so each failure is exactly one line on stderr.</summary>
    public static string OneLine(string message) =>
        message.ReplaceLineEndings(" ").Trim();
}

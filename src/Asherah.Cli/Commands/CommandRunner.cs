using Asherah.Cli.Configuration;
using Microsoft.Extensions.Options;

namespace Asherah.Cli.Commands;

/// <summary>
/// Runs a command body and turns failures into one stderr line <c>asherah: ...</c> and an exit code, never a stack
/// trace: <see cref="Cli.UsageError"/> for a bad option value (the CLI's own checks, and the core's configuration
/// validation, restated with the CLI's option names), <see cref="Cli.Failure"/> for anything that failed at run time
/// (metastore, KMS, decryption, I/O).
/// </summary>
internal static class CommandRunner
{
    private const string Prefix = Cli.Name + ": ";

    public static async Task<int> RunAsync(CliConsole console, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (InvalidSettingException ex)
        {
            await console.Error.WriteLineAsync(ErrorLine(ex.Message));
            return Cli.UsageError;
        }
        catch (OptionsValidationException ex)
        {
            // Each failure already names its setting and variables, never a secret value.
            await console.Error.WriteLineAsync(ErrorLine(string.Join("; ", ex.Failures.Select(EnvironmentOptions.Translate))));
            return Cli.UsageError;
        }
        catch (OperationCanceledException)
        {
            await console.Error.WriteLineAsync(ErrorLine("cancelled"));
            return Cli.Failure;
        }
        catch (Exception ex)
        {
            await console.Error.WriteLineAsync(ErrorLine(ex.Message));
            return Cli.Failure;
        }
    }

    /// <summary>One stderr line for a failure: prefixed <c>asherah: </c> exactly once.</summary>
    public static string ErrorLine(string message)
    {
        var line = OneLine(message);
        return line.StartsWith(Prefix, StringComparison.Ordinal) ? line : Prefix + line;
    }

    /// <summary>Collapses a message to a single line so each failure is exactly one line on stderr.</summary>
    public static string OneLine(string message) =>
        message.ReplaceLineEndings(" ").Trim();
}

using System.CommandLine;
using System.CommandLine.Help;
using Asherah.Cli.Commands;

namespace Asherah.Cli;

/// <summary>Builds the <c>asherah</c> command tree and runs it.</summary>
internal static class Cli
{
    /// <summary>Exit code for a failed operation (decryption refused, vectors failing, I/O errors).</summary>
    public const int Failure = 1;

    /// <summary>Exit code for a usage error (unknown option, bad value).</summary>
    public const int UsageError = 2;

    /// <summary>The command's name, as installed (ToolCommandName) and shown in help.</summary>
    public const string Name = "asherah";

    /// <summary>
    /// The top-level commands. A new command (say <c>bench</c> or <c>diag</c>) is one file in <c>Commands/</c> with a
    /// <c>Create(CliConsole)</c> method, listed here.
    /// </summary>
    private static readonly Func<CliConsole, Command>[] Commands =
    [
        EncryptCommand.Create,
        DecryptCommand.Create,
        KeysCommand.Create,
        InspectCommand.Create,
        RewrapCommand.Create,
        VectorsCommand.Create,
        DiagCommand.Create,
        BenchCommand.Create,
    ];

    /// <summary>Runs one invocation against the given streams and environment; returns the exit code.</summary>
    public static async Task<int> RunAsync(
        string[] args,
        Stream stdin,
        Stream stdout,
        TextWriter stderr,
        IReadOnlyDictionary<string, string?> environment,
        bool errorIsTerminal = false,
        CancellationToken cancellationToken = default)
    {
        await using var console = new CliConsole(stdin, stdout, stderr, environment, errorIsTerminal);
        // Not RootCommand: that names itself after the executable (Asherah.Cli), and the command is `asherah`.
        var root = new Command(Name, "Asherah envelope encryption: encrypt and decrypt records, manage keys, inspect and rewrap records, check interoperability vectors.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        foreach (var create in Commands)
        {
            root.Add(create(console));
        }

        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                // One line per error: System.CommandLine lists the allowed values on tab-indented lines of their own.
                var message = string.Join(' ', error.Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                await stderr.WriteLineAsync($"asherah: {message}");
            }

            await stderr.WriteLineAsync("Run 'asherah --help' for usage.");
            return UsageError;
        }

        var configuration = new InvocationConfiguration { Output = console.Out, Error = stderr };
        return await parseResult.InvokeAsync(configuration, cancellationToken);
    }
}

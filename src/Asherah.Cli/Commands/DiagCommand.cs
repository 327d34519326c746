using System.CommandLine;

namespace Asherah.Cli.Commands;

/// <summary><c>asherah diag</c>: diagnostics of this machine and process.</summary>
internal static class DiagCommand
{
    public static Command Create(CliConsole console) =>
        new("diag", "Diagnostics: what the library can do on this machine.")
        {
            DiagMemoryCommand.Create(console),
        };
}

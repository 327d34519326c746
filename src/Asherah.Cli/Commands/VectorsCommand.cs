using System.CommandLine;

namespace Asherah.Cli.Commands;

/// <summary><c>asherah vectors</c>: interoperability vector files (schema in shared/vectors/README.md).</summary>
internal static class VectorsCommand
{
    public static Command Create(CliConsole console) =>
        new("vectors", "Check or write interoperability vector files.")
        {
            VectorsVerifyCommand.Create(console),
            VectorsGenerateCommand.Create(console),
        };
}

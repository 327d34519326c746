using System.CommandLine;
using Asherah.Cli.Vectors;

namespace Asherah.Cli.Commands;

/// <summary>
/// <c>asherah vectors verify FILE...</c>: prints <c>FILE: N passed, M failed</c> per file, failure details on stderr;
/// exits 1 when any case fails or a file cannot be read.
/// </summary>
internal static class VectorsVerifyCommand
{
    public static Command Create(CliConsole console)
    {
        var files = new Argument<string[]>("FILE")
        {
            Description = "Vector files to check.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("verify", "Decrypt every case of vector files with this implementation and compare.") { files };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(console, async () =>
        {
            bool allPassed = true;
            foreach (var path in parseResult.GetValue(files)!)
            {
                VectorFile file;
                try
                {
                    file = await VectorFile.LoadAsync(path, cancellationToken);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidDataException)
                {
                    await console.Error.WriteLineAsync($"{path}: cannot read: {CommandRunner.OneLine(ex.Message)}");
                    allPassed = false;
                    continue;
                }

                var report = await VectorVerifier.VerifyAsync(file, cancellationToken);
                foreach (var failure in report.Failures)
                {
                    await console.Error.WriteLineAsync($"{path}: {CommandRunner.OneLine(failure)}");
                }

                await console.Out.WriteLineAsync($"{path}: {report.Passed} passed, {report.Failed} failed");
                allPassed &= report.Failed == 0;
            }

            return allPassed ? 0 : Cli.Failure;
        }));
        return command;
    }
}

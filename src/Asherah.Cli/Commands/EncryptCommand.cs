using System.CommandLine;
using Asherah.Cli.Configuration;

namespace Asherah.Cli.Commands;

/// <summary><c>asherah encrypt</c>: payload bytes in, data row record JSON out (followed by a newline).</summary>
internal static class EncryptCommand
{
    public static Command Create(CliConsole console)
    {
        var partition = PartitionOption.Create();
        var input = new PayloadInput();
        var environment = new EnvironmentOptions();
        var command = new Command("encrypt", "Encrypt standard input (or --in FILE) and write the data row record JSON to standard output.")
        {
            partition,
            input.Option,
        };
        environment.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(console, async () =>
        {
            var settings = environment.Resolve(parseResult, console);
            var partitionId = PartitionOption.Get(parseResult, partition);
            var payload = await input.ReadAsync(parseResult, console, cancellationToken);
            await using var host = AsherahHost.Open(settings);

            // The factory first: it checks the KMS settings before anything is created.
            var factory = host.GetFactory(console.Error);
            await host.EnsureTableAsync(cancellationToken);
            using var session = factory.GetSessionBytes(partitionId);
            var record = await session.EncryptAsync(payload, cancellationToken);
            await console.Output.WriteAsync(record, cancellationToken);
            await console.Output.WriteAsync("\n"u8.ToArray(), cancellationToken);
            return 0;
        }));
        return command;
    }
}

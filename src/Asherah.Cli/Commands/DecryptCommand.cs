using System.CommandLine;
using Asherah.Cli.Configuration;

namespace Asherah.Cli.Commands;

/// <summary><c>asherah decrypt</c>: data row record JSON in, the exact payload bytes out.</summary>
internal static class DecryptCommand
{
    public static Command Create(CliConsole console)
    {
        var partition = PartitionOption.Create();
        var input = new PayloadInput();
        var environment = new EnvironmentOptions();
        var command = new Command("decrypt", "Decrypt a data row record from standard input (or --in FILE) and write the payload to standard output.")
        {
            partition,
            input.Option,
        };
        environment.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(console, async () =>
        {
            var settings = environment.Resolve(parseResult, console);
            var partitionId = PartitionOption.Get(parseResult, partition);
            var record = await input.ReadAsync(parseResult, console, cancellationToken);
            await using var host = AsherahHost.Open(settings);

            // The factory first: it checks the KMS settings before anything is created.
            var factory = host.GetFactory(console.Error);
            await host.EnsureTableAsync(cancellationToken);
            using var session = factory.GetSessionBytes(partitionId);

            // JSON allows surrounding whitespace; drop the newline `encrypt` and shells add.
            var payload = await session.DecryptAsync(TrimWhitespace(record).ToArray(), cancellationToken);
            await console.Output.WriteAsync(payload, cancellationToken);
            return 0;
        }));
        return command;
    }

    private static ReadOnlyMemory<byte> TrimWhitespace(byte[] record)
    {
        int start = 0;
        int end = record.Length;
        while (start < end && IsJsonWhitespace(record[start]))
        {
            start++;
        }

        while (end > start && IsJsonWhitespace(record[end - 1]))
        {
            end--;
        }

        return record.AsMemory(start, end - start);
    }

    private static bool IsJsonWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}

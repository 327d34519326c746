using System.Text.Json;

namespace Asherah.Cli.Commands;

/// <summary>Writes the key tools' <c>--json</c> documents to standard output: indented UTF-8, one trailing newline.</summary>
internal static class KeyOutput
{
    public static async Task WriteJsonAsync(CliConsole console, Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        await using (var writer = new Utf8JsonWriter(console.Output, new JsonWriterOptions { Indented = true }))
        {
            write(writer);
            await writer.FlushAsync(cancellationToken);
        }

        await console.Output.WriteAsync("\n"u8.ToArray(), cancellationToken);
    }
}

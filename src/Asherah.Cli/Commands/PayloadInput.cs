using System.CommandLine;

namespace Asherah.Cli.Commands;

/// <summary>The <c>--in FILE</c> option and reading all of standard input or the file as bytes.</summary>
internal sealed class PayloadInput
{
    public Option<FileInfo?> Option { get; } = new("--in", "-i")
    {
        Description = "Read from this file instead of standard input.",
    };

    public async Task<byte[]> ReadAsync(ParseResult parseResult, CliConsole console, CancellationToken cancellationToken)
    {
        var file = parseResult.GetValue(Option);
        if (file is not null)
        {
            return await File.ReadAllBytesAsync(file.FullName, cancellationToken);
        }

        using var buffer = new MemoryStream();
        await console.Input.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}

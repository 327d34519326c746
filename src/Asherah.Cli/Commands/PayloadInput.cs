using System.CommandLine;
using Asherah.Cli.Configuration;

namespace Asherah.Cli.Commands;

/// <summary>The <c>--in FILE</c> option and reading all of standard input or the file as bytes.</summary>
internal sealed class PayloadInput
{
    public Option<FileInfo?> Option { get; } = new("--in", "-i")
    {
        Description = "Read from this file instead of standard input.",
    };

    /// <summary>
    /// The bytes of the <c>--in</c> file, else of standard input. A directory or a missing file is a usage error;
    /// a file that exists but cannot be read is a runtime failure.
    /// </summary>
    public async Task<byte[]> ReadAsync(ParseResult parseResult, CliConsole console, CancellationToken cancellationToken)
    {
        var file = parseResult.GetValue(Option);
        if (file is not null)
        {
            if (Directory.Exists(file.FullName))
            {
                throw new InvalidSettingException($"--in '{file.FullName}' is a directory, not a file.");
            }

            if (!File.Exists(file.FullName))
            {
                throw new InvalidSettingException($"--in '{file.FullName}' does not exist.");
            }

            try
            {
                return await File.ReadAllBytesAsync(file.FullName, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"cannot read --in '{file.FullName}': {ex.Message}", ex);
            }
        }

        using var buffer = new MemoryStream();
        await console.Input.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}

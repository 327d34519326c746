using System.Text.Json;
using Asherah.Cli.Configuration;

namespace Asherah.Cli.Rewrap;

/// <summary>
/// How far a <c>rewrap</c> got, written after the output is on disk, so a killed run resumes with every record written
/// exactly once: the resumed run truncates the output to <see cref="OutputLength"/> and continues after input line
/// <see cref="LinesDone"/> (byte <see cref="InputOffset"/>).
/// </summary>
/// <remarks>
/// <code>
/// checkpoint := {"version": 1, "input": path | "-", "output": path, "linesDone": n, "inputOffset": n, "outputLength": n,
///                "rewrapped": n, "alreadyCurrent": n, "failed": n, "blank": n}
/// </code>
/// Written to <c>FILE.tmp</c>, flushed to disk, renamed over <c>FILE</c>, then the directory flushed to disk
/// (<see cref="DirectorySync"/>): a kill leaves the old checkpoint or the new one, never half of one, and a power loss
/// after <see cref="Write"/> returned cannot bring back the old one. The output is flushed to disk before, so it is
/// never shorter than the checkpoint says.
/// </remarks>
internal sealed record RewrapCheckpoint(
    string Input,
    string Output,
    long LinesDone,
    long InputOffset,
    long OutputLength,
    RewrapCounts Counts)
{
    private const int Version = 1;

    /// <summary>Reads the checkpoint at <paramref name="path"/>, or <see langword="null"/> when there is none.</summary>
    /// <exception cref="CliException">The file exists but is not a checkpoint.</exception>
    public static RewrapCheckpoint? Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read the checkpoint '{path}': {e.Message}", e);
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.GetProperty("version").GetInt32() != Version)
            {
                throw new CliException($"the checkpoint '{path}' is of another version; remove it to start over.");
            }

            var counts = new RewrapCounts
            {
                Rewrapped = root.GetProperty("rewrapped").GetInt64(),
                AlreadyCurrent = root.GetProperty("alreadyCurrent").GetInt64(),
                Failed = root.GetProperty("failed").GetInt64(),
                Blank = root.GetProperty("blank").GetInt64(),
            };
            var checkpoint = new RewrapCheckpoint(
                root.GetProperty("input").GetString()!,
                root.GetProperty("output").GetString()!,
                root.GetProperty("linesDone").GetInt64(),
                root.GetProperty("inputOffset").GetInt64(),
                root.GetProperty("outputLength").GetInt64(),
                counts);
            return checkpoint.LinesDone < 0 || checkpoint.InputOffset < 0 || checkpoint.OutputLength < 0
                ? throw new CliException($"the checkpoint '{path}' holds a negative position; remove it to start over.")
                : checkpoint;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CliException($"'{path}' is not a rewrap checkpoint; remove it to start over.", e);
        }
    }

    /// <summary>Replaces the checkpoint at <paramref name="path"/> atomically and durably: file and directory flushed to disk.</summary>
    /// <exception cref="IOException">The checkpoint or its directory cannot be written or flushed.</exception>
    /// <exception cref="UnauthorizedAccessException">The checkpoint's directory may not be written.</exception>
    public void Write(string path)
    {
        string temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var writer = new Utf8JsonWriter(file))
            {
                writer.WriteStartObject();
                writer.WriteNumber("version", Version);
                writer.WriteString("input", Input);
                writer.WriteString("output", Output);
                writer.WriteNumber("linesDone", LinesDone);
                writer.WriteNumber("inputOffset", InputOffset);
                writer.WriteNumber("outputLength", OutputLength);
                writer.WriteNumber("rewrapped", Counts.Rewrapped);
                writer.WriteNumber("alreadyCurrent", Counts.AlreadyCurrent);
                writer.WriteNumber("failed", Counts.Failed);
                writer.WriteNumber("blank", Counts.Blank);
                writer.WriteEndObject();
            }

            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);

        // The rename is a change of the directory: without this, a power loss may keep the previous checkpoint, and a
        // resumed run would then write the records after it a second time.
        DirectorySync.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}

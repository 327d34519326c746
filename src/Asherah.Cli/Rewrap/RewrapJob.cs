using System.Diagnostics;
using Asherah.Cli.Configuration;

namespace Asherah.Cli.Rewrap;

/// <summary>One failed record: its 1-based input line and why (never key material).</summary>
internal sealed record RewrapFailure(long Line, string Reason);

/// <summary>
/// The rewrap loop: input lines in, one output line per input line, in order; a checkpoint every
/// <see cref="CheckpointEvery"/> lines and at the end, so a killed run resumes where the last checkpoint left it.
/// </summary>
/// <remarks>
/// <code>
/// for each line n after checkpoint.linesDone:
///   rewrapped  → write new record JSON + the line's terminator
///   otherwise  → write the line unchanged (already current, blank, failed: reported as "line n: reason")
///   every k lines: flush output to disk; checkpoint {linesDone: n, inputOffset, outputLength}
/// </code>
/// </remarks>
internal sealed class RewrapJob(RecordRewrapper rewrapper, Stream output, TextWriter errors)
{
    /// <summary>Most failures kept for the summary; all of them are reported on standard error as they happen.</summary>
    public const int MaxListedFailures = 1000;

    public int CheckpointEvery { get; init; } = 1000;

    /// <summary>Where the checkpoint goes, or <see langword="null"/> for none.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Input and output names recorded in the checkpoint.</summary>
    public (string Input, string Output) Names { get; init; }

    public RewrapCounts Counts { get; private set; } = new();

    public List<RewrapFailure> Failures { get; } = [];

    /// <summary>Lines handled by this run (not counting those before the checkpoint it resumed from).</summary>
    public long LinesThisRun { get; private set; }

    public TimeSpan Elapsed { get; private set; }

    /// <summary>
    /// Runs over <paramref name="reader"/> from <paramref name="resume"/> (the input and output already positioned at its
    /// offsets), reporting the input offset to <paramref name="progress"/> as it goes.
    /// </summary>
    public async Task RunAsync(LineReader reader, RewrapCheckpoint? resume, Action<long>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long lineNumber = resume?.LinesDone ?? 0;
        long doneOffset = reader.Offset;
        Counts = resume?.Counts.Copy() ?? new RewrapCounts();
        long sinceCheckpoint = 0;
        try
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                var (content, terminator) = Split(line);
                var (outcome, json, reason) = await rewrapper.RewrapAsync(content, cancellationToken);
                lineNumber++;
                switch (outcome)
                {
                    case RewrapOutcome.Rewrapped:
                        Counts.Rewrapped++;
                        await output.WriteAsync(json, cancellationToken);
                        await output.WriteAsync(terminator, cancellationToken);
                        break;
                    case RewrapOutcome.Failed:
                        Counts.Failed++;
                        await errors.WriteLineAsync($"asherah: line {lineNumber}: {reason}");
                        if (Failures.Count < MaxListedFailures)
                        {
                            Failures.Add(new RewrapFailure(lineNumber, reason!));
                        }

                        await output.WriteAsync(line, cancellationToken);
                        break;
                    case RewrapOutcome.AlreadyCurrent:
                        Counts.AlreadyCurrent++;
                        await output.WriteAsync(line, cancellationToken);
                        break;
                    default:
                        Counts.Blank++;
                        await output.WriteAsync(line, cancellationToken);
                        break;
                }

                doneOffset = reader.Offset;
                LinesThisRun++;
                if (++sinceCheckpoint == CheckpointEvery)
                {
                    sinceCheckpoint = 0;
                    await CheckpointAsync(lineNumber, doneOffset);
                    progress?.Invoke(doneOffset);
                }
            }
        }
        catch (Exception e) when (e is MetastoreException or KmsException or OperationCanceledException)
        {
            // Stopped by a failing metastore or KMS, or cancelled, in the middle of a line whose output is not written:
            // keep the complete lines, so the run resumes at that line.
            Elapsed = clock.Elapsed;
            await CheckpointAsync(lineNumber, doneOffset);
            throw;
        }

        Elapsed = clock.Elapsed;
        await CheckpointAsync(lineNumber, doneOffset);
        progress?.Invoke(doneOffset);
    }

    private async Task CheckpointAsync(long linesDone, long inputOffset)
    {
        await output.FlushAsync();
        if (CheckpointPath is null || output is not FileStream file)
        {
            return;
        }

        file.Flush(flushToDisk: true);
        try
        {
            new RewrapCheckpoint(Names.Input, Names.Output, linesDone, inputOffset, file.Position, Counts.Copy()).Write(CheckpointPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot write the checkpoint '{CheckpointPath}': {e.Message}", e);
        }
    }

    /// <summary>A line's content and its terminator (<c>\n</c> or nothing; a <c>\r</c> before it stays in the content).</summary>
    private static (ReadOnlyMemory<byte> Content, ReadOnlyMemory<byte> Terminator) Split(ReadOnlyMemory<byte> line) =>
        line.Length > 0 && line.Span[^1] == (byte)'\n' ? (line[..^1], line[^1..]) : (line, ReadOnlyMemory<byte>.Empty);
}

using System.CommandLine;
using System.Globalization;
using Asherah.Cli.Configuration;
using Asherah.Cli.KeyTools;
using Asherah.Cli.Rewrap;
using Spectre.Console;

namespace Asherah.Cli.Commands;

/// <summary>
/// <c>asherah rewrap [--in FILE] [--out FILE [--checkpoint FILE]] [--partition P]</c>: data row records as JSON lines
/// in, the same records out with each data row key re-encrypted under its partition's current intermediate key; the
/// data ciphertext is not touched.
/// </summary>
/// <remarks>
/// <para>
/// One output line per input line, in order. Records already under the current key, blank lines and records that fail
/// (reported on standard error as <c>asherah: line N: reason</c>) are written unchanged, never dropped. The partition
/// is <c>--partition</c>'s, else the one each record's intermediate key id names for this product and service.
/// </para>
/// <para>
/// With <c>--checkpoint</c>, the output is flushed to disk and the position recorded every <c>--checkpoint-every</c>
/// lines; run the same command again after a kill and it truncates the output to the checkpoint and continues with the
/// next input line, so every record is written exactly once. The checkpoint is removed when the run completes.
/// </para>
/// <para>
/// Counts and throughput go to standard output when the records go to <c>--out</c>, else to standard error. Exit 0 when
/// no record failed, 1 when some did (they are in the output unchanged) or a metastore or KMS failure stopped the run
/// (the checkpoint then lets it resume).
/// </para>
/// </remarks>
internal static class RewrapCommand
{
    public static Command Create(CliConsole console)
    {
        var input = new Option<FileInfo?>("--in", "-i") { Description = "Read JSON lines of data row records from this file instead of standard input." };
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write the records to this file instead of standard output." };
        var checkpoint = new Option<FileInfo?>("--checkpoint") { Description = "Record progress in this file and resume from it when it exists (needs --out)." };
        var every = new Option<int>("--checkpoint-every")
        {
            Description = "Lines between checkpoints (default 1000).",
            DefaultValueFactory = _ => 1000,
        };
        var partition = new Option<string?>("--partition", "-p") { Description = "Rewrap every record in this partition (default: the partition each record's key id names)." };
        var json = new Option<bool>("--json") { Description = "Write the summary as JSON." };
        var environment = new EnvironmentOptions();
        var command = new Command("rewrap", "Re-encrypt the data row keys of records (JSON lines) under their partition's current intermediate key, leaving the data untouched; resumable.")
        {
            input,
            output,
            checkpoint,
            every,
            partition,
            json,
        };
        environment.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(console, async () =>
        {
            var settings = environment.Resolve(parseResult, console);
            var inFile = parseResult.GetValue(input);
            var outFile = parseResult.GetValue(output);
            var checkpointFile = parseResult.GetValue(checkpoint);
            int checkpointEvery = parseResult.GetValue(every);
            string? partitionId = parseResult.GetValue(partition);
            if (checkpointEvery <= 0)
            {
                throw new InvalidSettingException("--checkpoint-every must be a positive number of lines.");
            }

            if (checkpointFile is not null && outFile is null)
            {
                throw new InvalidSettingException("--checkpoint needs --out FILE: a resumed run truncates the output to the checkpoint.");
            }

            if (partitionId is not null && string.IsNullOrWhiteSpace(partitionId))
            {
                throw new InvalidSettingException("--partition must not be empty or only whitespace.");
            }

            if (inFile is not null && !File.Exists(inFile.FullName))
            {
                throw new InvalidSettingException($"--in '{inFile.FullName}' does not exist or is not a file.");
            }

            if (inFile is not null && outFile is not null && string.Equals(inFile.FullName, outFile.FullName, StringComparison.Ordinal))
            {
                throw new InvalidSettingException("--in and --out must be different files.");
            }

            var names = (Input: inFile?.FullName ?? "-", Output: outFile?.FullName ?? "-");
            var resume = checkpointFile is null ? null : RewrapCheckpoint.Read(checkpointFile.FullName);
            if (resume is not null && (resume.Input != names.Input || resume.Output != names.Output))
            {
                throw new InvalidSettingException(
                    $"the checkpoint '{checkpointFile!.FullName}' belongs to a rewrap of '{resume.Input}' into '{resume.Output}'; remove it to start over.");
            }

            await using var host = AsherahHost.Open(settings);
            var factory = host.GetFactory(console.Error);
            await host.EnsureTableAsync(cancellationToken);

            await using var inStream = OpenInput(inFile, console);
            await using var outStream = OpenOutput(outFile, resume, console);
            var reader = new LineReader(inStream);
            if (resume is not null)
            {
                await SkipAsync(reader, inStream, resume, cancellationToken);
            }

            using var rewrapper = new RecordRewrapper(factory, partitionId, new PartitionIds(factory.ServiceId, factory.ProductId, host.Metastore.KeySuffix));
            var job = new RewrapJob(rewrapper, outStream, console.Error)
            {
                CheckpointEvery = checkpointEvery,
                CheckpointPath = checkpointFile?.FullName,
                Names = names,
            };

            var progressConsole = inFile is not null ? Terminal.ProgressOrNull(console) : null;
            if (progressConsole is null)
            {
                await job.RunAsync(reader, resume, null, cancellationToken);
            }
            else
            {
                long total = inStream.Length;
                await progressConsole.Progress().AutoClear(true).StartAsync(async context =>
                {
                    var task = context.AddTask("rewrap", maxValue: Math.Max(1, total));
                    task.Value = reader.Offset;
                    await job.RunAsync(reader, resume, offset => task.Value = offset, cancellationToken);
                    task.Value = task.MaxValue;
                });
            }

            if (checkpointFile is not null)
            {
                File.Delete(checkpointFile.FullName);
            }

            var summary = outFile is null ? console.Error : console.Out;
            await RewrapSummary.WriteAsync(summary, parseResult.GetValue(json), job, resume is not null);
            return job.Counts.Failed == 0 ? 0 : Cli.Failure;
        }));
        return command;
    }

    private static Stream OpenInput(FileInfo? file, CliConsole console)
    {
        if (file is null)
        {
            return new NonClosingStream(console.Input);
        }

        try
        {
            return new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read --in '{file.FullName}': {e.Message}", e);
        }
    }

    /// <summary>The output: a new file, or for a resumed run the existing one cut back to the checkpoint's length.</summary>
    private static Stream OpenOutput(FileInfo? file, RewrapCheckpoint? resume, CliConsole console)
    {
        if (file is null)
        {
            return new NonClosingStream(console.Output);
        }

        FileStream stream;
        try
        {
            stream = new FileStream(file.FullName, resume is null ? FileMode.Create : FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 64 * 1024);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot write --out '{file.FullName}': {e.Message}", e);
        }

        if (resume is null)
        {
            try
            {
                // A new output's name is durable before the first checkpoint counts its bytes as written.
                DirectorySync.Flush(file.DirectoryName!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stream.Dispose();
                throw new CliException($"cannot write --out '{file.FullName}': {e.Message}", e);
            }
        }

        if (resume is not null)
        {
            if (stream.Length < resume.OutputLength)
            {
                stream.Dispose();
                throw new CliException(
                    $"--out '{file.FullName}' is shorter ({stream.Length} bytes) than its checkpoint says ({resume.OutputLength}); it was changed since, remove the checkpoint to start over.");
            }

            // Lines written after the last checkpoint are written again by this run.
            stream.SetLength(resume.OutputLength);
            stream.Position = resume.OutputLength;
        }

        return stream;
    }

    /// <summary>Moves past the checkpoint's input lines: a seek for a file, reading them for standard input.</summary>
    private static async Task SkipAsync(LineReader reader, Stream input, RewrapCheckpoint resume, CancellationToken cancellationToken)
    {
        if (input.CanSeek)
        {
            if (input.Length < resume.InputOffset)
            {
                throw new CliException($"the input is shorter ({input.Length} bytes) than its checkpoint says ({resume.InputOffset}); remove the checkpoint to start over.");
            }

            input.Position = resume.InputOffset;
            reader.StartAt(resume.InputOffset);
            return;
        }

        for (long i = 0; i < resume.LinesDone; i++)
        {
            if (await reader.ReadLineAsync(cancellationToken) is null)
            {
                break;
            }
        }

        if (reader.Offset != resume.InputOffset)
        {
            throw new CliException(
                $"the input's first {resume.LinesDone} lines are {reader.Offset} bytes, not {resume.InputOffset} as the checkpoint says: it is not the same input; remove the checkpoint to start over.");
        }
    }

    /// <summary>The console's stream for a <c>using</c> that must not close it.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    }
}

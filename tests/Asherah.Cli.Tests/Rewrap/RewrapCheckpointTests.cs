using System.Text.Json;
using Asherah.Cli.Rewrap;
using Asherah.Cli.Tests.Commands;

namespace Asherah.Cli.Tests.Rewrap;

/// <summary>The rewrap checkpoint on the real file system: replaced durably (file and directory flushed), always whole.</summary>
public sealed class RewrapCheckpointTests : IDisposable
{
    private readonly KeyToolsWorkspace _work = new();

    public void Dispose() => _work.Dispose();

    private string PathOf(string name) => Path.Combine(_work.DataDir, name);

    [Fact]
    public void Write_RepeatedOverTheSameFile_LeavesACompleteParseableCheckpointAfterEachWrite()
    {
        var path = PathOf("ck");
        for (long i = 0; i < 200; i++)
        {
            var counts = new RewrapCounts { Rewrapped = i, AlreadyCurrent = 2 * i, Failed = i % 3, Blank = i % 5 };
            new RewrapCheckpoint("/in/" + i, "/out.jsonl", i * 10, i * 100, i * 1000, counts).Write(path);

            var read = RewrapCheckpoint.Read(path);

            Assert.NotNull(read);
            Assert.Equal(("/in/" + i, "/out.jsonl", i * 10, i * 100, i * 1000), (read.Input, read.Output, read.LinesDone, read.InputOffset, read.OutputLength));
            Assert.Equal((i, 2 * i, i % 3, i % 5), (read.Counts.Rewrapped, read.Counts.AlreadyCurrent, read.Counts.Failed, read.Counts.Blank));
            Assert.False(File.Exists(path + ".tmp"));
        }
    }

    [Fact]
    public void Write_IntoAMissingDirectory_ThrowsDirectoryNotFound_AndWritesNothing()
    {
        var path = Path.Combine(PathOf("missing"), "ck");

        Assert.Throws<DirectoryNotFoundException>(() => new RewrapCheckpoint("-", "/out", 1, 1, 1, new()).Write(path));
        Assert.False(Directory.Exists(PathOf("missing")));
    }

    [Fact]
    public async Task Rewrap_CheckpointingEveryLine_WritesEveryRecord_AndRemovesItsCheckpointAtTheEnd()
    {
        // Twenty durable checkpoint replacements (file, rename, directory fsync) inside the real command.
        var records = _work.EncryptAnHourAgo("u1", 20);
        await File.WriteAllLinesAsync(PathOf("in.jsonl"), records);
        Assert.Equal(0, (await _work.Cli.RunAsync("keys", "rotate", "--partition", "u1")).ExitCode);

        var result = await _work.Cli.RunAsync(
            "rewrap", "--in", PathOf("in.jsonl"), "--out", PathOf("out.jsonl"), "--checkpoint", PathOf("ck"), "--checkpoint-every", "1", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var summary = JsonDocument.Parse(result.Stdout);
        Assert.Equal(20, summary.RootElement.GetProperty("rewrapped").GetInt64());
        Assert.Equal(20, (await File.ReadAllLinesAsync(PathOf("out.jsonl"))).Length);
        Assert.False(File.Exists(PathOf("ck")));
        Assert.False(File.Exists(PathOf("ck.tmp")));
    }
}

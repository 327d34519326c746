using System.Text;
using System.Text.Json;

namespace Asherah.Cli.Tests.Commands;

/// <summary><c>asherah rewrap</c> end to end: in process, and as a child process killed mid-run and resumed.</summary>
public sealed class RewrapTests : IDisposable
{
    private readonly KeyToolsWorkspace _work = new();

    public void Dispose() => _work.Dispose();

    private static string Ik(string partition) => $"_IK_{partition}_asherah-cli_asherah-cli";

    private string PathOf(string name) => Path.Combine(_work.DataDir, name);

    /// <summary>The base64 text of a record's <c>Data</c>, exactly as written.</summary>
    private static string DataText(string json) => JsonDocument.Parse(json).RootElement.GetProperty("Data").GetString()!;

    private static long IkCreated(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("Key").GetProperty("ParentKeyMeta").GetProperty("Created").GetInt64();

    [Fact]
    public async Task Rewrap_AfterRotation_MovesRecordsToTheNewKey_DataByteIdentical_AndTheyDecrypt()
    {
        var u1 = _work.EncryptAnHourAgo("u1", 50, "one-");
        var u2 = _work.EncryptAnHourAgo("u2", 50, "two-");
        string[] input = [.. u1.Zip(u2).SelectMany(p => new[] { p.First, p.Second })];
        await File.WriteAllLinesAsync(PathOf("in.jsonl"), input);
        Assert.Equal(0, (await _work.Cli.RunAsync("keys", "rotate", "--partition", "u1")).ExitCode);

        var result = await _work.Cli.RunAsync("rewrap", "--in", PathOf("in.jsonl"), "--out", PathOf("out.jsonl"), "--json");

        Assert.Equal(0, result.ExitCode);
        using var summary = JsonDocument.Parse(result.Stdout);
        Assert.Equal(100, summary.RootElement.GetProperty("lines").GetInt64());
        Assert.Equal(50, summary.RootElement.GetProperty("rewrapped").GetInt64());
        Assert.Equal(50, summary.RootElement.GetProperty("alreadyCurrent").GetInt64());
        Assert.Equal(0, summary.RootElement.GetProperty("failed").GetInt64());
        Assert.True(summary.RootElement.GetProperty("recordsPerSecond").GetDouble() > 0);
        var output = await File.ReadAllLinesAsync(PathOf("out.jsonl"));
        Assert.Equal(input.Length, output.Length);
        using var factory = _work.Factory();
        for (int i = 0; i < input.Length; i++)
        {
            Assert.Equal(DataText(input[i]), DataText(output[i]));
            string partition = i % 2 == 0 ? "u1" : "u2";
            if (partition == "u1")
            {
                Assert.True(IkCreated(output[i]) > IkCreated(input[i]));
            }
            else
            {
                Assert.Equal(input[i], output[i]);
            }

            using var session = factory.GetSessionBytes(partition);
            Assert.Equal((partition == "u1" ? "one-" : "two-") + (i / 2), Encoding.UTF8.GetString(session.Decrypt(Encoding.UTF8.GetBytes(output[i]))));
        }
    }

    [Fact]
    public async Task Rewrap_PassesFailingLinesThroughUnchanged_AndReportsEach()
    {
        var good = _work.EncryptAnHourAgo("u1", 2);
        Assert.Equal(0, (await _work.Cli.RunAsync("keys", "rotate", "--partition", "u1")).ExitCode);
        var parsed = DataRowRecord.Parse(Encoding.UTF8.GetBytes(good[1]));
        var tamperedKey = parsed.Key.EncryptedKey.ToArray();
        tamperedKey[0] ^= 1;
        string tampered = Encoding.UTF8.GetString(new DataRowRecord(
            new EnvelopeKeyRecord(parsed.Key.Created, tamperedKey, parsed.IntermediateKey, null), parsed.Data).ToUtf8Json());
        string otherService = good[0].Replace(Ik("u1"), "_IK_u1_other_asherah-cli", StringComparison.Ordinal);
        string missingKey = good[0].Replace(Ik("u1"), Ik("ghost"), StringComparison.Ordinal);
        string[] input = [good[0], "not json", otherService, "", tampered, missingKey, good[1]];
        byte[] stdin = Encoding.UTF8.GetBytes(string.Join('\n', input) + "\n");

        var result = await _work.Cli.RunAsync(stdin, "rewrap");

        Assert.Equal(1, result.ExitCode);
        var output = result.StdoutText.Split('\n');
        Assert.Equal(input.Length + 1, output.Length);
        Assert.Equal(input[1..6], output[1..6]);
        Assert.NotEqual(input[0], output[0]);
        Assert.NotEqual(input[6], output[6]);
        var errors = result.StderrLines.Where(l => l.StartsWith("asherah: line ", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            ["asherah: line 2: not a well-formed data row record",
             "asherah: line 3: its intermediate key id is not of service 'asherah-cli' and product 'asherah-cli'",
             "asherah: line 5: its data row key does not authenticate under its intermediate key"],
            errors.Take(3));
        Assert.StartsWith("asherah: line 6: Could not find key record with id '_IK_ghost_", errors[3], StringComparison.Ordinal);
        Assert.Equal(4, errors.Count);
        Assert.Contains(result.StderrLines, l => l.StartsWith("rewrap: 7 lines: 2 rewrapped, 0 already current, 4 failed, 1 blank;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rewrap_WithAFixedPartition_RefusesOtherPartitionsRecords()
    {
        var u1 = _work.EncryptAnHourAgo("u1", 1);
        var u2 = _work.EncryptAnHourAgo("u2", 1);

        var result = await _work.Cli.RunAsync(Encoding.UTF8.GetBytes(u1[0] + "\n" + u2[0] + "\n"), "rewrap", "--partition", "u1", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(u1[0] + "\n" + u2[0] + "\n", result.StdoutText);
        var summary = JsonDocument.Parse(result.StderrLines[^1]).RootElement;
        Assert.Equal(1, summary.GetProperty("alreadyCurrent").GetInt64());
        Assert.Equal(2, summary.GetProperty("failures")[0].GetProperty("line").GetInt64());
    }

    [Theory]
    [InlineData("--checkpoint", "ck")]
    [InlineData("--checkpoint-every", "0")]
    public async Task Rewrap_BadOptions_AreUsageErrors(string option, string value)
    {
        var result = await _work.Cli.RunAsync("rewrap", option, value == "ck" ? PathOf("ck") : value);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("asherah: --checkpoint", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rewrap_ResumesFromACheckpointOfAnotherJob_Refused()
    {
        await File.WriteAllTextAsync(PathOf("in.jsonl"), "");
        new Asherah.Cli.Rewrap.RewrapCheckpoint("/elsewhere", PathOf("out.jsonl"), 1, 1, 1, new()).Write(PathOf("ck"));

        var result = await _work.Cli.RunAsync("rewrap", "--in", PathOf("in.jsonl"), "--out", PathOf("out.jsonl"), "--checkpoint", PathOf("ck"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("belongs to a rewrap of '/elsewhere'", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// The done-criterion: a real <c>asherah rewrap</c> process is killed once its first checkpoint is on disk, then the
    /// same command resumes; every record is in the output exactly once, in order, with its data byte-identical, and decrypts.
    /// </summary>
    [Fact]
    public async Task Rewrap_KilledMidRun_ResumesAndWritesEveryRecordExactlyOnce()
    {
        const int Records = 100_000;
        var input = _work.EncryptAnHourAgo("u1", Records);
        await File.WriteAllLinesAsync(PathOf("in.jsonl"), input);
        Assert.Equal(0, (await _work.Cli.RunAsync("keys", "rotate", "--partition", "u1")).ExitCode);
        string[] args = ["rewrap", "--in", PathOf("in.jsonl"), "--out", PathOf("out.jsonl"), "--checkpoint", PathOf("ck"), "--checkpoint-every", "100", "--json"];

        using (var child = CliProcess.Start(_work.Cli.Environment, args))
        {
            child.StandardInput.Close();
            var drainOut = child.StandardOutput.ReadToEndAsync();
            var drainErr = child.StandardError.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(PathOf("ck")) && !child.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(1);
            }

            if (child.HasExited)
            {
                Assert.Fail("the rewrap finished before it could be killed: " + await drainErr);
            }

            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
            await Task.WhenAll(drainOut, drainErr);
            Assert.Equal(137, child.ExitCode); // SIGKILL
        }

        Assert.True(File.Exists(PathOf("ck")), "the rewrap completed (and removed its checkpoint) before the kill landed");
        Assert.True(new FileInfo(PathOf("out.jsonl")).Length > 0);
        using (var checkpoint = JsonDocument.Parse(await File.ReadAllBytesAsync(PathOf("ck"))))
        {
            long done = checkpoint.RootElement.GetProperty("linesDone").GetInt64();
            Assert.InRange(done, 100, Records - 1);
        }

        var resumed = await CliProcess.RunAsync(_work.Cli.Environment, [], args);

        Assert.Equal(0, resumed.ExitCode);
        using var summary = JsonDocument.Parse(resumed.Stdout);
        Assert.True(summary.RootElement.GetProperty("resumed").GetBoolean());
        Assert.Equal(Records, summary.RootElement.GetProperty("lines").GetInt64());
        Assert.Equal(Records, summary.RootElement.GetProperty("rewrapped").GetInt64());
        Assert.True(summary.RootElement.GetProperty("linesThisRun").GetInt64() < Records);
        Assert.False(File.Exists(PathOf("ck")));
        var output = await File.ReadAllLinesAsync(PathOf("out.jsonl"));
        Assert.Equal(Records, output.Length);
        using var factory = _work.Factory();
        using var session = factory.GetSessionBytes("u1");
        long newKey = IkCreated(output[0]);
        for (int i = 0; i < Records; i++)
        {
            Assert.Equal(DataText(input[i]), DataText(output[i]));
            Assert.Equal(newKey, IkCreated(output[i]));
            Assert.Equal("payload-" + i, Encoding.UTF8.GetString(session.Decrypt(Encoding.UTF8.GetBytes(output[i]))));
        }

        Assert.True(newKey > IkCreated(input[0]));
    }
}

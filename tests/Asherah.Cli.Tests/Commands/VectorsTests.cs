using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Asherah.Cli.Tests.Commands;

public sealed class VectorsTests : IDisposable
{
    private static readonly string[] SchemaTopLevelKeys = ["product", "service", "staticMasterKey", "regionSuffix", "note", "generator", "metastore", "cases"];

    private readonly CliRun _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Verify_EverySharedVectorFile_Passes()
    {
        var files = SharedVectors.Files;
        Assert.Contains(files, f => f.EndsWith("bad-inputs.json", StringComparison.Ordinal));

        var result = await _cli.RunAsync(["vectors", "verify", .. files]);

        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(files.Length, lines.Length);
        for (int i = 0; i < files.Length; i++)
        {
            var match = Regex.Match(lines[i], @"^(.+): (\d+) passed, (\d+) failed$");
            Assert.True(match.Success, lines[i]);
            Assert.Equal(files[i], match.Groups[1].Value);
            Assert.True(int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, lines[i]);
            Assert.Equal("0", match.Groups[3].Value);
        }

        Assert.Contains(lines, l => l.EndsWith("bad-inputs.json: 420 passed, 0 failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_FileWithOneAlteredPlaintext_ReportsOneFailure()
    {
        var vectors = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(SharedVectors.Directory, "canonical-basic.json")))!;
        var cases = vectors["cases"]!.AsArray();
        var altered = cases.First(c => Convert.FromBase64String(c!["plaintext"]!.GetValue<string>()).Length > 0)!;
        var bytes = Convert.FromBase64String(altered["plaintext"]!.GetValue<string>());
        bytes[0] ^= 0x80;
        altered["plaintext"] = Convert.ToBase64String(bytes);
        var path = Path.Combine(_cli.DataDir, "altered.json");
        await File.WriteAllTextAsync(path, vectors.ToJsonString());

        var result = await _cli.RunAsync("vectors", "verify", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"{path}: {cases.Count - 1} passed, 1 failed\n", result.StdoutText);
        Assert.Single(result.StderrLines);
    }

    [Fact]
    public async Task Verify_ErrorCaseThatDecrypts_Fails()
    {
        var vectors = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(SharedVectors.Directory, "canonical-basic.json")))!;
        var first = vectors["cases"]!.AsArray()[0]!;
        first["expect"] = "error";
        first["kind"] = "not-really-damaged";
        var path = Path.Combine(_cli.DataDir, "not-damaged.json");
        await File.WriteAllTextAsync(path, vectors.ToJsonString());

        var result = await _cli.RunAsync("vectors", "verify", path);

        Assert.Equal(1, result.ExitCode);
        Assert.EndsWith(", 1 failed\n", result.StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ErrorCaseRefusedWithANonAsherahException_Fails()
    {
        // An empty partition id is an ArgumentException from the session factory: not a documented decrypt refusal.
        var vectors = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(SharedVectors.Directory, "canonical-basic.json")))!;
        var first = vectors["cases"]!.AsArray()[0]!;
        first["partition"] = string.Empty;
        first["expect"] = "error";
        var path = Path.Combine(_cli.DataDir, "argument-error.json");
        await File.WriteAllTextAsync(path, vectors.ToJsonString());

        var result = await _cli.RunAsync("vectors", "verify", path);

        Assert.Equal(1, result.ExitCode);
        Assert.EndsWith(", 1 failed\n", result.StdoutText, StringComparison.Ordinal);
        Assert.Contains("ArgumentException", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_MissingFile_ExitsOne()
    {
        var result = await _cli.RunAsync("vectors", "verify", Path.Combine(_cli.DataDir, "absent.json"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("absent.json", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_WritesSchemaThatOurVerifierAccepts()
    {
        var path = Path.Combine(_cli.DataDir, "generated.json");

        var generated = await _cli.RunAsync("vectors", "generate", "--out", path, "--partitions", "2", "--sizes", "0,5,300");
        Assert.Equal(0, generated.ExitCode);

        using (var document = JsonDocument.Parse(await File.ReadAllBytesAsync(path)))
        {
            var root = document.RootElement;
            Assert.Equal(SchemaTopLevelKeys, root.EnumerateObject().Select(p => p.Name));
            Assert.Equal(JsonValueKind.Null, root.GetProperty("regionSuffix").ValueKind);
            Assert.StartsWith("asherah-dotnet ", root.GetProperty("generator").GetString(), StringComparison.Ordinal);
            Assert.Equal("thisIsAStaticMasterKeyForTesting", root.GetProperty("staticMasterKey").GetString());

            var cases = root.GetProperty("cases").EnumerateArray().ToList();
            Assert.Equal(6, cases.Count);
            Assert.All(cases, c => Assert.Equal(["partition", "plaintext", "drr"], c.EnumerateObject().Select(p => p.Name)));
            Assert.Equal([0, 5, 300, 0, 5, 300], cases.Select(c => Convert.FromBase64String(c.GetProperty("plaintext").GetString()!).Length));

            var metastore = root.GetProperty("metastore").EnumerateArray().ToList();
            Assert.Equal(3, metastore.Count); // one SK, two IKs
            Assert.All(metastore, m =>
            {
                Assert.Equal(["id", "created", "keyRecord"], m.EnumerateObject().Select(p => p.Name));
                Assert.Equal(JsonValueKind.Object, m.GetProperty("keyRecord").ValueKind);
            });
        }

        var verified = await _cli.RunAsync("vectors", "verify", path);
        Assert.Equal(0, verified.ExitCode);
        Assert.Equal($"{path}: 6 passed, 0 failed\n", verified.StdoutText);
    }

    [Fact]
    public async Task Generate_BadSizes_IsAUsageError()
    {
        var result = await _cli.RunAsync("vectors", "generate", "--out", Path.Combine(_cli.DataDir, "x.json"), "--sizes", "1,-2");

        Assert.Equal(2, result.ExitCode);
        Assert.False(File.Exists(Path.Combine(_cli.DataDir, "x.json")));
    }
}

using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Asherah.Cli.Tests.Commands;

/// <summary>
/// <c>vectors generate --all</c> writes one file per canonical shape, and every file passes both the independent
/// reference decryptor (shared/tools/refverify.py) and our own <c>vectors verify</c>.
/// </summary>
public sealed class VectorsGenerateAllTests : IDisposable
{
    private static readonly string[] ExpectedFiles =
    [
        "dotnet-basic.json", "dotnet-json-session.json", "dotnet-large.json", "dotnet-rotation.json",
        "dotnet-suffixed-crossregion.json", "dotnet-suffixed.json", "dotnet-unicode.json",
    ];

    private readonly CliRun _cli = new();

    public void Dispose() => _cli.Dispose();

    private string OutDir => Path.Combine(_cli.DataDir, "vectors");

    private async Task<string[]> GenerateAsync()
    {
        var result = await _cli.RunAsync("vectors", "generate", "--all", "--out", OutDir);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var files = Directory.GetFiles(OutDir).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(ExpectedFiles, files.Select(Path.GetFileName));
        return files;
    }

    [Fact]
    public async Task GenerateAll_EveryFilePassesTheReferenceDecryptorAndOurVerifier()
    {
        var files = await GenerateAsync();

        var (code, stdout, stderr) = RunReference(files);
        Assert.True(code == 0, $"refverify.py exited {code}:\n{stdout}\n{stderr}");
        foreach (var file in files)
        {
            Assert.Matches($"{System.Text.RegularExpressions.Regex.Escape(file)}: [1-9][0-9]* passed, 0 failed", stdout);
        }

        var verified = await _cli.RunAsync(["vectors", "verify", .. files]);
        Assert.True(verified.ExitCode == 0, verified.Stderr);
        Assert.Equal(files.Length, verified.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.EndsWith(" passed, 0 failed", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task GenerateAll_FilesHaveTheShapesTheirNamesSay()
    {
        await GenerateAsync();
        JsonElement Root(string name) => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(OutDir, name))).RootElement;
        static string[] Ids(JsonElement root) => root.GetProperty("metastore").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray();
        static int[] Sizes(JsonElement root) => root.GetProperty("cases").EnumerateArray().Select(c => Convert.FromBase64String(c.GetProperty("plaintext").GetString()!).Length).ToArray();

        var suffixed = Root("dotnet-suffixed.json");
        Assert.Equal("us-west-2", suffixed.GetProperty("regionSuffix").GetString());
        Assert.All(Ids(suffixed), id => Assert.EndsWith("_us-west-2", id, StringComparison.Ordinal));

        var crossRegion = Root("dotnet-suffixed-crossregion.json");
        Assert.Equal("us-west-2", crossRegion.GetProperty("regionSuffix").GetString());
        Assert.All(Ids(crossRegion), id => Assert.EndsWith("_us-east-1", id, StringComparison.Ordinal));

        var unicode = Root("dotnet-unicode.json");
        Assert.Contains(unicode.GetProperty("cases").EnumerateArray(), c => c.GetProperty("partition").GetString() == "caf\u00e9");
        Assert.Contains(unicode.GetProperty("cases").EnumerateArray(), c => c.GetProperty("partition").GetString() == "cafe\u0301");
        Assert.All(Ids(unicode), id => Assert.Contains("_サービス-⚙️-ünïcödé_продукт-製品-🛒", id, StringComparison.Ordinal));

        var json = Root("dotnet-json-session.json");
        Assert.All(json.GetProperty("cases").EnumerateArray(), c =>
            Assert.IsType<JsonObject>(JsonNode.Parse(Convert.FromBase64String(c.GetProperty("plaintext").GetString()!))));

        Assert.Equal([1 << 20, 4 << 20], Sizes(Root("dotnet-large.json")));

        var rotation = Root("dotnet-rotation.json");
        var keys = rotation.GetProperty("metastore").EnumerateArray().Select(m => (Id: m.GetProperty("id").GetString()!, Created: m.GetProperty("created").GetInt64())).ToList();
        Assert.Equal(2, keys.Count(k => k.Id.StartsWith("_SK_", StringComparison.Ordinal)));
        Assert.Equal(2, keys.Count(k => k.Id.StartsWith("_IK_", StringComparison.Ordinal)));
        Assert.Equal(2, keys.Where(k => k.Id.StartsWith("_SK_", StringComparison.Ordinal)).Select(k => k.Created).Distinct().Count());
        var parents = rotation.GetProperty("cases").EnumerateArray()
            .Select(c => JsonNode.Parse(c.GetProperty("drr").GetString()!)!["Key"]!["ParentKeyMeta"]!["Created"]!.GetValue<long>())
            .Distinct().ToList();
        Assert.Equal(2, parents.Count); // records under each intermediate key
        Assert.True(parents.Max() - parents.Min() > TimeSpan.FromDays(1).TotalSeconds);
        Assert.True(parents.Max() <= DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task GenerateAll_ARotatedRecordDamaged_FailsBothCheckers()
    {
        // Shows the checks above can fail: one record of the second key generation, with one bit of data flipped.
        await GenerateAsync();
        var path = Path.Combine(OutDir, "dotnet-rotation.json");
        var root = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        var last = root["cases"]!.AsArray()[^1]!;
        var drr = JsonNode.Parse(last["drr"]!.GetValue<string>())!;
        var data = Convert.FromBase64String(drr["Data"]!.GetValue<string>());
        data[0] ^= 1;
        drr["Data"] = Convert.ToBase64String(data);
        last["drr"] = drr.ToJsonString();
        await File.WriteAllTextAsync(path, root.ToJsonString());

        var (code, stdout, _) = RunReference([path]);
        var verified = await _cli.RunAsync("vectors", "verify", path);

        Assert.Equal(1, code);
        Assert.Contains("5 passed, 1 failed", stdout, StringComparison.Ordinal);
        Assert.Equal(1, verified.ExitCode);
        Assert.Equal($"{path}: 5 passed, 1 failed\n", verified.StdoutText);
    }

    [Fact]
    public async Task GenerateAll_OutIsAFile_IsAUsageError()
    {
        var file = Path.Combine(_cli.DataDir, "a-file");
        await File.WriteAllTextAsync(file, "x");

        var result = await _cli.RunAsync("vectors", "generate", "--all", "--out", file);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("asherah: ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_OutIsADirectoryWithoutAll_IsAUsageError()
    {
        var result = await _cli.RunAsync("vectors", "generate", "--out", _cli.DataDir);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--all", result.Stderr, StringComparison.Ordinal);
    }

    private static (int ExitCode, string Stdout, string Stderr) RunReference(IEnumerable<string> files)
    {
        var script = Path.Combine(Path.GetDirectoryName(SharedVectors.Directory)!, "tools", "refverify.py");
        Assert.True(File.Exists(script), $"{script} is missing.");
        var start = new ProcessStartInfo(FindPython()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (var file in files)
        {
            start.ArgumentList.Add(file);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("refverify.py did not finish within 120 s.");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>A Python with the <c>cryptography</c> module: ASHERAH_PYTHON, python3 on PATH, or /usr/bin/python3.</summary>
    private static string FindPython()
    {
        foreach (var candidate in new[] { Environment.GetEnvironmentVariable("ASHERAH_PYTHON"), "python3", "/usr/bin/python3" })
        {
            if (string.IsNullOrEmpty(candidate))
            {
                continue;
            }

            try
            {
                using var probe = Process.Start(new ProcessStartInfo(candidate, ["-c", "import cryptography"]) { RedirectStandardError = true, UseShellExecute = false })!;
                probe.WaitForExit();
                if (probe.ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
        }

        Assert.Fail("No python3 with the 'cryptography' module; run scripts/setup.sh (it installs python3-cryptography) or set ASHERAH_PYTHON.");
        return string.Empty;
    }
}

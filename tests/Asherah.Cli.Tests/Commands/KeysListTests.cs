using System.Text.Json;

namespace Asherah.Cli.Tests.Commands;

public sealed class KeysListTests : IDisposable
{
    private readonly CliRun _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task KeysList_AfterEncrypt_ShowsSystemAndIntermediateKey()
    {
        Assert.Equal(0, (await _cli.RunAsync("x"u8.ToArray(), "encrypt", "--partition", "u1")).ExitCode);

        var result = await _cli.RunAsync("keys", "list");

        Assert.Equal(0, result.ExitCode);
        var lines = result.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("ID", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("_SK_asherah-cli_asherah-cli ", StringComparison.Ordinal) && l.TrimEnd().EndsWith("no", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("_IK_u1_asherah-cli_asherah-cli ", StringComparison.Ordinal));
        Assert.Matches(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+\d{10}", lines[1]);
        Assert.Empty(result.Stderr); // keys list needs no master key, so no warning
    }

    [Fact]
    public async Task KeysListJson_IsParseableWithCreatedInBothForms()
    {
        await _cli.RunAsync("x"u8.ToArray(), "encrypt", "--partition", "u1");

        var result = await _cli.RunAsync("keys", "list", "--json");

        Assert.Equal(0, result.ExitCode);
        using var document = JsonDocument.Parse(result.Stdout);
        var keys = document.RootElement.EnumerateArray().ToList();
        Assert.Equal(["_IK_u1_asherah-cli_asherah-cli", "_SK_asherah-cli_asherah-cli"], keys.Select(k => k.GetProperty("id").GetString()));
        foreach (var key in keys)
        {
            var created = DateTimeOffset.Parse(key.GetProperty("created").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(key.GetProperty("createdUnix").GetInt64(), created.ToUnixTimeSeconds());
            Assert.False(key.GetProperty("revoked").GetBoolean());
        }
    }

    [Fact]
    public async Task KeysList_OnEmptyMetastore_PrintsHeaderOnly()
    {
        var result = await _cli.RunAsync("keys", "list", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(0, JsonDocument.Parse(result.Stdout).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task KeysList_WithAVeryLongPartition_KeepsRowsNarrowAndJsonWhole()
    {
        var partition = new string('p', 10_000);
        Assert.Equal(0, (await _cli.RunAsync("x"u8.ToArray(), "encrypt", "--partition", partition)).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("x"u8.ToArray(), "encrypt", "--partition", "short")).ExitCode);

        var table = await _cli.RunAsync("keys", "list");

        Assert.Equal(0, table.ExitCode);
        var lines = table.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.All(lines, l => Assert.InRange(l.Length, 1, 120));
        var longRow = Assert.Single(lines, l => l.StartsWith("_IK_ppp", StringComparison.Ordinal));
        Assert.Contains("\u2026 ", longRow, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("_IK_short_asherah-cli_asherah-cli ", StringComparison.Ordinal));

        var json = await _cli.RunAsync("keys", "list", "--json");
        var ids = JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().Select(k => k.GetProperty("id").GetString()).ToList();
        Assert.Contains($"_IK_{partition}_asherah-cli_asherah-cli", ids);
    }

    [Theory]
    [InlineData("abc", 5, "abc")]
    [InlineData("abcdef", 5, "abcd\u2026")]
    [InlineData("abc\uD83D\uDED2xyz", 5, "abc\u2026")]
    public void Truncate_CutsWithEllipsisWithoutSplittingSurrogates(string text, int width, string expected)
    {
        Assert.Equal(expected, Asherah.Cli.Commands.KeysListCommand.Truncate(text, width));
    }
}

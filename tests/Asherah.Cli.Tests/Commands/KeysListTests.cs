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
}

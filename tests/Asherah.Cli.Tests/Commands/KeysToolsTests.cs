using System.Text;
using System.Text.Json;

namespace Asherah.Cli.Tests.Commands;

/// <summary><c>keys show</c>, <c>keys list --tree</c>, <c>keys revoke</c>, <c>keys rotate</c> and <c>inspect</c>, in process, end to end over SQLite.</summary>
public sealed class KeysToolsTests : IDisposable
{
    private const string Sk = "_SK_asherah-cli_asherah-cli";
    private readonly KeyToolsWorkspace _work = new();

    public void Dispose() => _work.Dispose();

    private static string Ik(string partition) => $"_IK_{partition}_asherah-cli_asherah-cli";

    [Fact]
    public async Task KeysShow_ListsEveryVersion_WithParentState()
    {
        _work.EncryptAnHourAgo("u1", 1);
        Assert.Equal(0, (await _work.Cli.RunAsync("keys", "rotate", "--partition", "u1")).ExitCode);
        Assert.Equal(0, (await _work.Cli.RunAsync("x"u8.ToArray(), "encrypt", "--partition", "u1")).ExitCode);

        var table = await _work.Cli.RunAsync("keys", "show", Ik("u1"));
        var json = await _work.Cli.RunAsync("keys", "show", Ik("u1"), "--json");

        Assert.Equal(0, table.ExitCode);
        Assert.Contains("revoked", table.StdoutText, StringComparison.Ordinal);
        Assert.Contains(Sk + " @ ", table.StdoutText, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Stdout);
        var versions = document.RootElement.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(2, versions.Count);
        Assert.True(versions[0].GetProperty("revoked").GetBoolean());
        Assert.False(versions[1].GetProperty("revoked").GetBoolean());
        Assert.All(versions, v => Assert.Equal(Sk, v.GetProperty("parent").GetProperty("id").GetString()));
        Assert.All(versions, v => Assert.True(v.GetProperty("parentState").GetProperty("exists").GetBoolean()));
    }

    [Fact]
    public async Task KeysShow_OfOneVersion_AndOfAMissingKey()
    {
        _work.EncryptAnHourAgo("u1", 1);
        var all = JsonDocument.Parse((await _work.Cli.RunAsync("keys", "show", Sk, "--json")).Stdout);
        long created = all.RootElement.GetProperty("versions")[0].GetProperty("createdUnix").GetInt64();
        string iso = all.RootElement.GetProperty("versions")[0].GetProperty("created").GetString()!;

        var byUnix = await _work.Cli.RunAsync("keys", "show", Sk, "--created", created.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
        var byIso = await _work.Cli.RunAsync("keys", "show", Sk, "--created", iso, "--json");
        var missing = await _work.Cli.RunAsync("keys", "show", "_SK_nope");
        var badTime = await _work.Cli.RunAsync("keys", "show", Sk, "--created", "yesterday");

        Assert.Equal(0, byUnix.ExitCode);
        Assert.Equal(byUnix.StdoutText, byIso.StdoutText);
        Assert.Equal("system", JsonDocument.Parse(byUnix.Stdout).RootElement.GetProperty("versions")[0].GetProperty("kind").GetString());
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal(["asherah: no key record '_SK_nope' in the metastore."], missing.StderrLines);
        Assert.Equal(2, badTime.ExitCode);
        Assert.Contains("--created must be Unix seconds", badTime.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysListTree_PutsIntermediateKeysUnderTheirSystemKey()
    {
        _work.EncryptAnHourAgo("u1", 1);
        _work.EncryptAnHourAgo("u2", 1);
        Assert.Equal(0, (await _work.Cli.RunAsync("keys", "revoke", Ik("u2"))).ExitCode);

        var tree = await _work.Cli.RunAsync("keys", "list", "--tree");
        var json = await _work.Cli.RunAsync("keys", "list", "--tree", "--json");

        Assert.Equal(0, tree.ExitCode);
        var lines = tree.StdoutText.Split('\n');
        Assert.Equal("keys", lines[0].Trim());
        Assert.Contains(lines, l => l.Contains("\u2514\u2500\u2500 " + Sk, StringComparison.Ordinal) && l.TrimEnd().EndsWith("ok", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(Ik("u2"), StringComparison.Ordinal) && l.TrimEnd().EndsWith("revoked", StringComparison.Ordinal));
        using var document = JsonDocument.Parse(json.Stdout);
        var system = Assert.Single(document.RootElement.GetProperty("systemKeys").EnumerateArray());
        Assert.Equal(Sk, system.GetProperty("id").GetString());
        Assert.Equal([Ik("u1"), Ik("u2")], system.GetProperty("intermediateKeys").EnumerateArray().Select(k => k.GetProperty("id").GetString()));
        Assert.Equal([false, true], system.GetProperty("intermediateKeys").EnumerateArray().Select(k => k.GetProperty("revoked").GetBoolean()));
        Assert.Equal(0, document.RootElement.GetProperty("orphanIntermediateKeys").GetArrayLength());
    }

    [Fact]
    public async Task KeysListTree_MarksKeysPastExpireAfterAsExpired()
    {
        _work.EncryptAnHourAgo("u1", 1);
        _work.Cli.Environment["ASHERAH_EXPIRE_AFTER"] = "30m";

        using var document = JsonDocument.Parse((await _work.Cli.RunAsync("keys", "list", "--tree", "--json")).Stdout);

        var system = document.RootElement.GetProperty("systemKeys")[0];
        Assert.True(system.GetProperty("expired").GetBoolean());
        Assert.True(system.GetProperty("intermediateKeys")[0].GetProperty("expired").GetBoolean());
    }

    [Fact]
    public async Task KeysRevoke_SetsTheFlag_RecordsStillDecrypt_AndSecondRevokeSaysAlready()
    {
        var records = _work.EncryptAnHourAgo("u1", 1);

        var first = await _work.Cli.RunAsync("keys", "revoke", Ik("u1"), "--json");
        var second = await _work.Cli.RunAsync("keys", "revoke", Ik("u1"), "--json");
        var decrypted = await _work.Cli.RunAsync(Encoding.UTF8.GetBytes(records[0]), "decrypt", "--partition", "u1");

        Assert.Equal(0, first.ExitCode);
        Assert.False(JsonDocument.Parse(first.Stdout).RootElement.GetProperty("alreadyRevoked").GetBoolean());
        Assert.True(JsonDocument.Parse(second.Stdout).RootElement.GetProperty("alreadyRevoked").GetBoolean());
        Assert.Equal("payload-0", decrypted.StdoutText);
        using var keys = JsonDocument.Parse((await _work.Cli.RunAsync("keys", "list", "--json")).Stdout);
        var revoked = keys.RootElement.EnumerateArray().ToDictionary(k => k.GetProperty("id").GetString()!, k => k.GetProperty("revoked").GetBoolean());
        Assert.True(revoked[Ik("u1")]);
        Assert.False(revoked[Sk]);
    }

    [Fact]
    public async Task KeysRevoke_OfMissingKey_Fails_AndOfAMissingVersion()
    {
        _work.EncryptAnHourAgo("u1", 1);

        var missing = await _work.Cli.RunAsync("keys", "revoke", Ik("nobody"));
        var wrongVersion = await _work.Cli.RunAsync("keys", "revoke", Ik("u1"), "--created", "1700000040");

        Assert.Equal(1, missing.ExitCode);
        Assert.Equal([$"asherah: no key record '{Ik("nobody")}' in the metastore."], missing.StderrLines);
        Assert.Equal(1, wrongVersion.ExitCode);
        Assert.Contains("created at 2023-11-14T22:14:00Z", wrongVersion.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysRotatePartition_MakesTheNextEncryptUseANewIntermediateKey()
    {
        var old = _work.EncryptAnHourAgo("u1", 1);
        var oldKey = DataRowRecord.Parse(Encoding.UTF8.GetBytes(old[0])).IntermediateKey;

        var rotate = await _work.Cli.RunAsync("keys", "rotate", "--partition", "u1", "--json");
        var encrypted = await _work.Cli.RunAsync("y"u8.ToArray(), "encrypt", "--partition", "u1");

        Assert.Equal(0, rotate.ExitCode);
        using var document = JsonDocument.Parse(rotate.Stdout);
        Assert.Equal(Ik("u1"), document.RootElement.GetProperty("id").GetString());
        Assert.Equal(oldKey.Created.ToUnixTimeSeconds(), document.RootElement.GetProperty("createdUnix").GetInt64());
        var newKey = DataRowRecord.Parse(encrypted.Stdout.AsSpan().TrimEnd("\n"u8)).IntermediateKey;
        Assert.Equal(oldKey.KeyId, newKey.KeyId);
        Assert.True(newKey.Created > oldKey.Created);
    }

    [Fact]
    public async Task KeysRotateSystem_MakesTheNextNewIntermediateKeyUseANewSystemKey()
    {
        _work.EncryptAnHourAgo("u1", 1);

        var rotate = await _work.Cli.RunAsync("keys", "rotate", "--system");
        Assert.Equal(0, (await _work.Cli.RunAsync("y"u8.ToArray(), "encrypt", "--partition", "u1")).ExitCode);
        using var document = JsonDocument.Parse((await _work.Cli.RunAsync("keys", "list", "--tree", "--json")).Stdout);

        Assert.Equal(0, rotate.ExitCode);
        Assert.StartsWith($"revoked: {Sk} created ", rotate.StdoutText, StringComparison.Ordinal);
        var systems = document.RootElement.GetProperty("systemKeys").EnumerateArray().ToList();
        Assert.Equal(2, systems.Count);
        Assert.True(systems[0].GetProperty("revoked").GetBoolean());
        Assert.False(systems[1].GetProperty("revoked").GetBoolean());
        Assert.Equal(Ik("u1"), Assert.Single(systems[1].GetProperty("intermediateKeys").EnumerateArray()).GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("--partition p --system")]
    [InlineData("--partition  ")]
    public async Task KeysRotate_NeedsExactlyOneTarget(string extra)
    {
        string[] args = extra.Length == 0 ? [] : extra.StartsWith("--partition  ", StringComparison.Ordinal) ? ["--partition", " "] : extra.Split(' ');
        var result = await _work.Cli.RunAsync(["keys", "rotate", .. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("asherah: ", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysRotate_OfAPartitionWithoutKeys_SaysTheNextWriteCreatesOne()
    {
        var result = await _work.Cli.RunAsync("keys", "rotate", "--partition", "fresh", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.False(JsonDocument.Parse(result.Stdout).RootElement.GetProperty("revoked").GetBoolean());
    }

    [Fact]
    public async Task Inspect_NamesBothKeysAndTheirState_WithoutTheMasterKey()
    {
        var records = _work.EncryptAnHourAgo("u1", 1);
        Assert.Equal(0, (await _work.Cli.RunAsync("keys", "revoke", Sk)).ExitCode);
        _work.Cli.Environment.Remove("ASHERAH_STATIC_MASTER_KEY"); // inspect reads only the metastore

        var tree = await _work.Cli.RunAsync(Encoding.UTF8.GetBytes(records[0] + "\n"), "inspect");
        var json = await _work.Cli.RunAsync(Encoding.UTF8.GetBytes(records[0]), "inspect", "--json");

        Assert.Equal(0, tree.ExitCode);
        Assert.Contains($"intermediate key {Ik("u1")} @ ", tree.StdoutText, StringComparison.Ordinal);
        Assert.Contains($"system key {Sk} @ ", tree.StdoutText, StringComparison.Ordinal);
        Assert.Contains(": revoked", tree.StdoutText, StringComparison.Ordinal);
        Assert.Empty(tree.Stderr);
        using var document = JsonDocument.Parse(json.Stdout);
        var root = document.RootElement;
        Assert.Equal("u1", root.GetProperty("partition").GetString());
        Assert.True(root.GetProperty("keysPresent").GetBoolean());
        Assert.False(root.GetProperty("intermediateKey").GetProperty("revoked").GetBoolean());
        Assert.True(root.GetProperty("systemKey").GetProperty("revoked").GetBoolean());
        Assert.Equal(DataRowRecord.Parse(Encoding.UTF8.GetBytes(records[0])).Data.Length, root.GetProperty("dataBytes").GetInt32());
    }

    [Fact]
    public async Task Inspect_OfARecordWhoseKeysAreMissing_ExitsOne()
    {
        var foreign = DataRowRecord.Parse(Encoding.UTF8.GetBytes(_work.EncryptAnHourAgo("u1", 1)[0]));
        var renamed = new DataRowRecord(
            new EnvelopeKeyRecord(foreign.Key.Created, foreign.Key.EncryptedKey, new KeyMeta(Ik("ghost"), foreign.IntermediateKey.Created), null),
            foreign.Data);

        var result = await _work.Cli.RunAsync(renamed.ToUtf8Json(), "inspect", "--json");

        Assert.Equal(1, result.ExitCode);
        using var document = JsonDocument.Parse(result.Stdout);
        Assert.False(document.RootElement.GetProperty("intermediateKey").GetProperty("exists").GetBoolean());
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("systemKey").ValueKind);
        Assert.False(document.RootElement.GetProperty("keysPresent").GetBoolean());
    }

    [Fact]
    public async Task Inspect_OfNotARecord_IsOneClearLine()
    {
        var result = await _work.Cli.RunAsync("{\"Key\":1}"u8.ToArray(), "inspect");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["asherah: the input is not a well-formed data row record (JSON with Key.Created, Key.Key, Key.ParentKeyMeta and Data)."], result.StderrLines);
    }
}

using System.Text;
using System.Text.Json.Nodes;
using Asherah.Tools.Hosting;

namespace Asherah.Cli.Tests.Commands;

public sealed class EncryptDecryptTests : IDisposable
{
    private readonly CliRun _cli = new();

    public void Dispose() => _cli.Dispose();

    public static TheoryData<byte[]> Payloads => new()
    {
        Array.Empty<byte>(),
        Encoding.UTF8.GetBytes("hello, world\n"),
        Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(),
        new byte[] { 0, 0, 0xFF, 0x0A, 0x0D, 0x0A },
        System.Security.Cryptography.RandomNumberGenerator.GetBytes(100_000),
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task EncryptThenDecrypt_OnEmbeddedDefaults_ReturnsExactBytes(byte[] payload)
    {
        var encrypted = await _cli.RunAsync(payload, "encrypt", "--partition", "u1");
        Assert.Equal(0, encrypted.ExitCode);
        Assert.NotNull(JsonNode.Parse(encrypted.StdoutText)?["Data"]);

        var decrypted = await _cli.RunAsync(encrypted.Stdout, "decrypt", "--partition", "u1");
        Assert.Equal(0, decrypted.ExitCode);
        Assert.Equal(payload, decrypted.Stdout);
    }

    [Fact]
    public async Task Encrypt_OnFirstUse_CreatesOwnerOnlyKeyFileAndWarns()
    {
        var result = await _cli.RunAsync("secret"u8.ToArray(), "encrypt");

        Assert.Equal(0, result.ExitCode);
        var keyFile = Path.Combine(_cli.DataDir, "master.key");
        Assert.True(File.Exists(keyFile));
        Assert.True(File.Exists(Path.Combine(_cli.DataDir, "metastore.db")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        var key = File.ReadAllBytes(keyFile);
        Assert.Equal(32, key.Length);
        Assert.All(key, b => Assert.InRange(b, (byte)'!', (byte)'~'));
        Assert.Equal([DevelopmentMasterKey.Warning], result.StderrLines);
        Assert.DoesNotContain(Encoding.ASCII.GetString(key), result.Stderr + result.StdoutText);
    }

    [Fact]
    public async Task SecondInvocation_ReusesKeyAndMetastore()
    {
        var first = await _cli.RunAsync("persisted"u8.ToArray(), "encrypt", "--partition", "p");
        var key = File.ReadAllText(Path.Combine(_cli.DataDir, "master.key"));

        var second = await _cli.RunAsync(first.Stdout, "decrypt", "--partition", "p");

        Assert.Equal(0, second.ExitCode);
        Assert.Equal("persisted"u8.ToArray(), second.Stdout);
        Assert.Equal(key, File.ReadAllText(Path.Combine(_cli.DataDir, "master.key")));
        Assert.Single(second.StderrLines, DevelopmentMasterKey.Warning);
    }

    [Fact]
    public async Task EncryptAndDecrypt_ReadFilesGivenWithIn()
    {
        var payloadFile = Path.Combine(_cli.DataDir, "payload.bin");
        var recordFile = Path.Combine(_cli.DataDir, "record.json");
        await File.WriteAllBytesAsync(payloadFile, [1, 2, 3, 0, 4]);

        var encrypted = await _cli.RunAsync("encrypt", "--in", payloadFile);
        await File.WriteAllBytesAsync(recordFile, encrypted.Stdout);
        var decrypted = await _cli.RunAsync("decrypt", "--in", recordFile);

        Assert.Equal(0, decrypted.ExitCode);
        Assert.Equal(new byte[] { 1, 2, 3, 0, 4 }, decrypted.Stdout);
    }

    [Fact]
    public async Task Decrypt_TamperedRecord_ExitsOneWithOneStderrLine()
    {
        _cli.Environment["ASHERAH_STATIC_MASTER_KEY"] = "0123456789abcdef0123456789abcdef";
        var encrypted = await _cli.RunAsync(new byte[64], "encrypt");
        var record = JsonNode.Parse(encrypted.StdoutText)!;
        var data = Convert.FromBase64String(record["Data"]!.GetValue<string>());
        data[0] ^= 0x01;
        record["Data"] = Convert.ToBase64String(data);

        var result = await _cli.RunAsync(Encoding.UTF8.GetBytes(record.ToJsonString()), "decrypt");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Stdout);
        var line = Assert.Single(result.StderrLines);
        Assert.DoesNotContain(" at ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decrypt_InAnotherPartition_ExitsOne()
    {
        _cli.Environment["ASHERAH_STATIC_MASTER_KEY"] = "0123456789abcdef0123456789abcdef";
        var encrypted = await _cli.RunAsync("mine"u8.ToArray(), "encrypt", "--partition", "alice");

        var result = await _cli.RunAsync(encrypted.Stdout, "decrypt", "--partition", "bob");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Single(result.StderrLines);
    }

    [Fact]
    public async Task Decrypt_RecordWithoutParentKeyMeta_IsReportedMalformedNotForeign()
    {
        _cli.Environment["ASHERAH_STATIC_MASTER_KEY"] = "0123456789abcdef0123456789abcdef";
        var encrypted = await _cli.RunAsync("mine"u8.ToArray(), "encrypt", "--partition", "alice");
        var record = JsonNode.Parse(encrypted.StdoutText)!;
        Assert.True(record["Key"]!.AsObject().Remove("ParentKeyMeta"));
        var garbage = await _cli.RunAsync("not a record"u8.ToArray(), "decrypt", "--partition", "alice");

        var result = await _cli.RunAsync(Encoding.UTF8.GetBytes(record.ToJsonString()), "decrypt", "--partition", "alice");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Stdout);
        var line = Assert.Single(result.StderrLines);
        Assert.Matches("malformed|not a well-formed", line);
        Assert.DoesNotContain("partition", line, StringComparison.Ordinal);
        Assert.Equal(garbage.StderrLines, result.StderrLines); // reported exactly as any malformed record is
    }

    [Fact]
    public async Task Decrypt_Garbage_ExitsOne()
    {
        var result = await _cli.RunAsync("not a record"u8.ToArray(), "decrypt");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task UnknownOption_IsAUsageError()
    {
        var result = await _cli.RunAsync("encrypt", "--no-such-option");

        Assert.Equal(2, result.ExitCode);
        Assert.NotEmpty(result.Stderr);
    }

    [Fact]
    public async Task UnknownMetastore_IsAUsageError()
    {
        var result = await _cli.RunAsync("encrypt", "--metastore", "oracle");

        Assert.Equal(2, result.ExitCode);
    }
}

using System.Text.Json;

namespace Asherah.Cli.Tests.Configuration;

public sealed class EnvironmentTests : IDisposable
{
    private readonly CliRun _cli = new();

    public void Dispose() => _cli.Dispose();

    private async Task<string[]> KeyIdsAsync(params string[] extra)
    {
        var result = await _cli.RunAsync(["keys", "list", "--json", .. extra]);
        Assert.Equal(0, result.ExitCode);
        return JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().Select(k => k.GetProperty("id").GetString()!).ToArray();
    }

    [Fact]
    public async Task ProductAndService_ComeFromEnvironment()
    {
        _cli.Environment["ASHERAH_PRODUCT"] = "envprod";
        _cli.Environment["ASHERAH_SERVICE"] = "envsvc";

        await _cli.RunAsync("x"u8.ToArray(), "encrypt");

        Assert.Contains("_SK_envsvc_envprod", await KeyIdsAsync());
    }

    [Fact]
    public async Task CommandLine_WinsOverEnvironment()
    {
        _cli.Environment["ASHERAH_PRODUCT"] = "envprod";

        await _cli.RunAsync("x"u8.ToArray(), "encrypt", "--product", "cliprod");

        var ids = await KeyIdsAsync();
        Assert.Contains("_SK_asherah-cli_cliprod", ids);
        Assert.DoesNotContain(ids, id => id.Contains("envprod", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StaticMasterKey_FromEnvironment_SkipsKeyFileAndWarning()
    {
        _cli.Environment["ASHERAH_STATIC_MASTER_KEY"] = "0123456789abcdef0123456789abcdef";

        var result = await _cli.RunAsync("x"u8.ToArray(), "encrypt");

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Stderr);
        Assert.False(File.Exists(Path.Combine(_cli.DataDir, "master.key")));
    }

    [Fact]
    public async Task StaticMasterKey_CommandLineWins_SoOtherKeyCannotDecrypt()
    {
        _cli.Environment["ASHERAH_STATIC_MASTER_KEY"] = "0123456789abcdef0123456789abcdef";
        var encrypted = await _cli.RunAsync("x"u8.ToArray(), "encrypt", "--metastore", "sqlite");

        var other = await _cli.RunAsync(encrypted.Stdout, "decrypt", "--static-master-key", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345");
        var same = await _cli.RunAsync(encrypted.Stdout, "decrypt");

        Assert.Equal(1, other.ExitCode);
        Assert.Equal(0, same.ExitCode);
    }

    [Fact]
    public async Task SqlitePathAndKeyFile_FromEnvironment_AreWhereFilesGo()
    {
        var elsewhere = Path.Combine(_cli.DataDir, "elsewhere");
        _cli.Environment["ASHERAH_SQLITE_PATH"] = Path.Combine(elsewhere, "keys.db");
        _cli.Environment["ASHERAH_MASTER_KEY_FILE"] = Path.Combine(elsewhere, "dev.key");

        Assert.Equal(0, (await _cli.RunAsync("x"u8.ToArray(), "encrypt")).ExitCode);

        Assert.True(File.Exists(Path.Combine(elsewhere, "keys.db")));
        Assert.True(File.Exists(Path.Combine(elsewhere, "dev.key")));
        Assert.False(File.Exists(Path.Combine(_cli.DataDir, "metastore.db")));
    }

    [Fact]
    public async Task MemoryMetastore_FromEnvironment_KeepsNothing()
    {
        _cli.Environment["ASHERAH_METASTORE"] = "memory";

        var encrypted = await _cli.RunAsync("x"u8.ToArray(), "encrypt");
        var decrypted = await _cli.RunAsync(encrypted.Stdout, "decrypt");

        Assert.Equal(0, encrypted.ExitCode);
        Assert.Equal(1, decrypted.ExitCode); // the intermediate key went with the first process's memory
        Assert.False(File.Exists(Path.Combine(_cli.DataDir, "metastore.db")));
    }

    [Fact]
    public async Task DataDir_DefaultsUnderXdgDataHome()
    {
        _cli.Environment.Remove("ASHERAH_DATA_DIR");
        _cli.Environment["XDG_DATA_HOME"] = Path.Combine(_cli.DataDir, "xdg");

        Assert.Equal(0, (await _cli.RunAsync("x"u8.ToArray(), "encrypt")).ExitCode);

        Assert.True(File.Exists(Path.Combine(_cli.DataDir, "xdg", "asherah", "master.key")));
    }

    [Fact]
    public async Task CanonicalServerNames_SelectProductAndService()
    {
        _cli.Environment["ASHERAH_PRODUCT_NAME"] = "canonprod";
        _cli.Environment["ASHERAH_SERVICE_NAME"] = "canonsvc";

        Assert.Equal(0, (await _cli.RunAsync("x"u8.ToArray(), "encrypt", "--partition", "p")).ExitCode);

        Assert.Equal(["_IK_p_canonsvc_canonprod", "_SK_canonsvc_canonprod"], await KeyIdsAsync());
    }

    [Fact]
    public async Task CanonicalMetastoreMode_Memory_KeepsNothing()
    {
        _cli.Environment["ASHERAH_METASTORE_MODE"] = "memory";

        var encrypted = await _cli.RunAsync("x"u8.ToArray(), "encrypt");
        var decrypted = await _cli.RunAsync(encrypted.Stdout, "decrypt");

        Assert.Equal(0, encrypted.ExitCode);
        Assert.Equal(1, decrypted.ExitCode); // the intermediate key went with the first invocation's memory
        Assert.False(File.Exists(Path.Combine(_cli.DataDir, "metastore.db")));
    }

    [Fact]
    public async Task CanonicalConnectionString_ChoosesTheSqliteFile()
    {
        var path = Path.Combine(_cli.DataDir, "sub", "canonical.db");
        _cli.Environment["ASHERAH_CONNECTION_STRING"] = $"Data Source={path}";

        var encrypted = await _cli.RunAsync("x"u8.ToArray(), "encrypt");
        var decrypted = await _cli.RunAsync(encrypted.Stdout, "decrypt");

        Assert.Equal(0, decrypted.ExitCode);
        Assert.Equal("x"u8.ToArray(), decrypted.Stdout);
        Assert.True(File.Exists(path));
        Assert.False(File.Exists(Path.Combine(_cli.DataDir, "metastore.db")));
    }

    [Fact]
    public async Task CommandLine_WinsOverCanonicalNames()
    {
        _cli.Environment["ASHERAH_SERVICE_NAME"] = "envsvc";
        _cli.Environment["ASHERAH_METASTORE_MODE"] = "memory";

        Assert.Equal(0, (await _cli.RunAsync("x"u8.ToArray(), "encrypt", "--service", "clisvc", "--metastore", "sqlite")).ExitCode);

        _cli.Environment.Remove("ASHERAH_METASTORE_MODE");
        Assert.Contains("_SK_clisvc_asherah-cli", await KeyIdsAsync());
    }

    [Fact]
    public async Task TwoNamesOfOneSetting_Disagreeing_IsAUsageErrorNamingBoth()
    {
        _cli.Environment["ASHERAH_PRODUCT"] = "one";
        _cli.Environment["ASHERAH_PRODUCT_NAME"] = "two";

        var result = await _cli.RunAsync("x"u8.ToArray(), "encrypt");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("ASHERAH_PRODUCT_NAME", line, StringComparison.Ordinal);
        Assert.Contains("ASHERAH_PRODUCT ", line, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_cli.DataDir, "master.key")));
    }

    [Theory]
    [InlineData("ASHERAH_METASTORE_MODE", "cassandra", "dynamodb or memory or mysql or postgres or rdbms or sqlite")]
    [InlineData("ASHERAH_KMS_MODE", "vault", "use aws or static")]
    [InlineData("ASHERAH_EXPIRE_AFTER", "soon", "ASHERAH_EXPIRE_AFTER")]
    public async Task UnusableCanonicalValue_IsAUsageErrorSayingWhatToUse(string variable, string value, string expected)
    {
        _cli.Environment[variable] = value;

        var result = await _cli.RunAsync("x"u8.ToArray(), "encrypt");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("asherah: ", line, StringComparison.Ordinal);
        Assert.Contains(variable, line, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }
}

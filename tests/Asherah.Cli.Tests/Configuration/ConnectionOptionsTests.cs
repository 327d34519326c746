using Asherah.Cli.Configuration;

namespace Asherah.Cli.Tests.Configuration;

/// <summary>
/// <c>--conn</c>, <c>--create-table</c> and the server metastores' names, checked before anything connects (no server
/// needed).
/// </summary>
public sealed class ConnectionOptionsTests : IDisposable
{
    private const string Password = "Sup3rSecret-Password";

    private readonly CliRun _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData("postgres")]
    [InlineData("mysql")]
    [InlineData("rdbms")]
    public async Task ServerMetastore_WithoutAConnectionString_IsAUsageErrorNamingTheOption(string name)
    {
        var result = await _cli.RunAsync("x"u8.ToArray(), "encrypt", "--metastore", name);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"asherah: --metastore {name} needs --conn (environment ASHERAH_CONNECTION_STRING): the database's connection string."], result.StderrLines);
        Assert.False(File.Exists(Path.Combine(_cli.DataDir, "master.key")));
        Assert.False(File.Exists(Path.Combine(_cli.DataDir, "metastore.db")));
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("mysql")]
    public async Task ServerMetastore_WithAMalformedConnectionString_IsAUsageError_ThatDoesNotEchoIt(string name)
    {
        _cli.Environment["ASHERAH_CONNECTION_STRING"] = $"Host=127.0.0.1;Password={Password};NoSuchKeyword=1";

        var result = await _cli.RunAsync("keys", "list", "--metastore", name);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith($"asherah: --conn (environment ASHERAH_CONNECTION_STRING) is not a valid {name} connection string: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APasswordOnTheCommandLine_DrawsAWarning_AndIsNeverPrinted()
    {
        // Port 1 refuses connections: the command fails after the warning, naming where it tried but not the password.
        var result = await _cli.RunAsync("keys", "list", "--metastore", "postgres", "--conn", $"Host=127.0.0.1;Port=1;Username=u;Password={Password};Database=keys");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(EnvironmentOptions.CommandLinePasswordWarning, result.StderrLines[0]);
        Assert.StartsWith("asherah: cannot list keys in the postgres metastore (127.0.0.1:1/keys): ", result.StderrLines[1], StringComparison.Ordinal);
        Assert.DoesNotContain(Password, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APasswordFromTheEnvironment_DrawsNoWarning()
    {
        _cli.Environment["ASHERAH_CONNECTION_STRING"] = $"Server=127.0.0.1;Port=1;User ID=u;Password={Password};Database=keys";

        var result = await _cli.RunAsync("keys", "list", "--metastore", "rdbms");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("asherah: cannot list keys in the rdbms metastore (127.0.0.1:1/keys): ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCanonicalGoServersDsn_ForRdbms_IsRead()
    {
        _cli.Environment["ASHERAH_CONNECTION_STRING"] = $"u:{Password}@tcp(127.0.0.1:1)/keys?parseTime=true";

        var result = await _cli.RunAsync("keys", "list", "--metastore", "rdbms");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("asherah: cannot list keys in the rdbms metastore (127.0.0.1:1/keys): ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnAndSqlitePath_Together_AreAUsageError()
    {
        var result = await _cli.RunAsync("keys", "list", "--conn", "a.db", "--sqlite-path", "b.db");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(["asherah: Give --conn or --sqlite-path, not both."], result.StderrLines);
    }

    [Fact]
    public async Task SqlitePath_ForAServerMetastore_IsAUsageError()
    {
        var result = await _cli.RunAsync("keys", "list", "--metastore", "postgres", "--sqlite-path", "b.db");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--sqlite-path is for --metastore sqlite", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Conn_ForSqlite_NamesTheFile()
    {
        var path = Path.Combine(_cli.DataDir, "by-conn.db");

        var encrypted = await _cli.RunAsync("x"u8.ToArray(), "encrypt", "--conn", path);
        var decrypted = await _cli.RunAsync(encrypted.Stdout, "decrypt", "--metastore", "sqlite", "--conn", $"Data Source={path}");

        Assert.Equal(0, decrypted.ExitCode);
        Assert.Equal("x"u8.ToArray(), decrypted.Stdout);
        Assert.True(File.Exists(path));
        Assert.False(File.Exists(Path.Combine(_cli.DataDir, "metastore.db")));
    }

    [Fact]
    public async Task Help_DocumentsTheServerMetastores_AndTableCreation()
    {
        var result = await _cli.RunAsync("encrypt", "--help");

        Assert.Equal(0, result.ExitCode);
        var help = string.Join(' ', result.StdoutText.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("memory or mysql or postgres or rdbms or sqlite", help, StringComparison.Ordinal);
        Assert.Contains("--conn, --connection-string", help, StringComparison.Ordinal);
        Assert.Contains("--create-table", help, StringComparison.Ordinal);
        Assert.Contains("Off by default: the table must exist", help, StringComparison.Ordinal);
    }
}

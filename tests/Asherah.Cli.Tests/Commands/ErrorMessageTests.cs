using Asherah.Cli.Configuration;
using Microsoft.Data.Sqlite;

namespace Asherah.Cli.Tests.Commands;

/// <summary>Failures are one stderr line <c>asherah: ...</c> that says why; usage errors exit 2, runtime errors 1.</summary>
public sealed class ErrorMessageTests : IDisposable
{
    private readonly CliRun _cli = new();

    public void Dispose() => _cli.Dispose();

    private static string ErrorLine(CliResult result)
    {
        var line = Assert.Single(result.StderrLines, l => !l.StartsWith("asherah: warning:", StringComparison.Ordinal));
        Assert.StartsWith("asherah: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line, StringComparison.Ordinal);
        return line;
    }

    [Fact]
    public async Task SqlitePath_IsADirectory_SaysSqlitesReasonAndTheFile()
    {
        var directory = Path.Combine(_cli.DataDir, "a-directory");
        Directory.CreateDirectory(directory);
        _cli.Environment["ASHERAH_SQLITE_PATH"] = directory;

        var result = await _cli.RunAsync("x"u8.ToArray(), "encrypt", "--partition", "p");

        Assert.Equal(1, result.ExitCode);
        var line = ErrorLine(result);
        Assert.Contains($"'{directory}'", line, StringComparison.Ordinal);
        Assert.Contains("unable to open database file", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SqlitePath_IsNotADatabase_SaysSqlitesReasonAndTheFile()
    {
        var path = Path.Combine(_cli.DataDir, "notes.txt");
        await File.WriteAllTextAsync(path, new string('x', 4096));
        _cli.Environment["ASHERAH_SQLITE_PATH"] = path;

        var result = await _cli.RunAsync("keys", "list");

        Assert.Equal(1, result.ExitCode);
        var line = ErrorLine(result);
        Assert.Contains($"'{path}'", line, StringComparison.Ordinal);
        Assert.Contains("file is not a database", line, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task SqlitePath_UnderAFile_SaysTheDirectoryCannotBeCreated()
    {
        var file = Path.Combine(_cli.DataDir, "plain-file");
        await File.WriteAllTextAsync(file, "x");
        var path = Path.Combine(file, "dir", "x.db");
        _cli.Environment["ASHERAH_SQLITE_PATH"] = path;

        var result = await _cli.RunAsync("x"u8.ToArray(), "encrypt", "--partition", "p");

        Assert.Equal(1, result.ExitCode);
        var line = ErrorLine(result);
        Assert.Contains($"'{path}'", line, StringComparison.Ordinal);
        Assert.Contains("cannot create the directory", line, StringComparison.Ordinal);
        Assert.Contains($"'{file}' is a file, not a directory", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SqlitePath_WithForeignTable_SaysWhichOperationAndWhy()
    {
        // An encryption_key table of another shape: the schema step passes, the first key lookup fails in SQLite.
        var path = Path.Combine(_cli.DataDir, "foreign.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE encryption_key (id TEXT)";
            command.ExecuteNonQuery();
        }

        _cli.Environment["ASHERAH_SQLITE_PATH"] = path;
        _cli.Environment["ASHERAH_STATIC_MASTER_KEY"] = "0123456789abcdef0123456789abcdef";

        var result = await _cli.RunAsync("x"u8.ToArray(), "encrypt", "--partition", "p");

        Assert.Equal(1, result.ExitCode);
        var line = ErrorLine(result);
        Assert.Contains($"'{path}'", line, StringComparison.Ordinal);
        Assert.Contains("no such column", line, StringComparison.Ordinal);
        Assert.Matches("cannot (load|store) key '_[IS]K_", line);
        Assert.DoesNotContain("0123456789abcdef", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysList_RowWithMalformedCreated_SaysWhichKeyAndFile()
    {
        Assert.Equal(0, (await _cli.RunAsync("x"u8.ToArray(), "encrypt", "--partition", "p")).ExitCode);
        var path = Path.Combine(_cli.DataDir, "metastore.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE encryption_key SET created = 'yesterday' WHERE id LIKE '_IK_%'";
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        var result = await _cli.RunAsync("keys", "list");

        Assert.Equal(1, result.ExitCode);
        var line = ErrorLine(result);
        Assert.Contains($"'{path}'", line, StringComparison.Ordinal);
        Assert.Contains("malformed created time for '_IK_p_asherah-cli_asherah-cli'", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("encrypt", "--partition", "")]
    [InlineData("encrypt", "--partition", "   ")]
    [InlineData("decrypt", "--partition", "\t")]
    [InlineData("encrypt", "--product", "")]
    [InlineData("encrypt", "--service", "")]
    [InlineData("decrypt", "--service", " ")]
    [InlineData("keys", "list", "--product", "")]
    public async Task EmptyOrBlankIds_AreUsageErrorsThatCreateNothing(params string[] args)
    {
        var result = await _cli.RunAsync("x"u8.ToArray(), args);

        Assert.Equal(2, result.ExitCode);
        var line = ErrorLine(result);
        Assert.Contains("must not be empty", line, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
        Assert.False(File.Exists(Path.Combine(_cli.DataDir, "master.key")));
        Assert.False(File.Exists(Path.Combine(_cli.DataDir, "metastore.db")));
    }

    [Fact]
    public async Task BlankProductInEnvironment_IsAUsageError()
    {
        _cli.Environment["ASHERAH_PRODUCT"] = "  ";

        var result = await _cli.RunAsync("x"u8.ToArray(), "encrypt");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("ASHERAH_PRODUCT", ErrorLine(result), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("encrypt")]
    [InlineData("decrypt")]
    public async Task In_IsADirectory_IsAUsageError(string command)
    {
        var result = await _cli.RunAsync(command, "--in", _cli.DataDir);

        Assert.Equal(2, result.ExitCode);
        var line = ErrorLine(result);
        Assert.Contains(_cli.DataDir, line, StringComparison.Ordinal);
        Assert.Contains("is a directory", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("encrypt")]
    [InlineData("decrypt")]
    public async Task In_IsMissing_IsAUsageError(string command)
    {
        var missing = Path.Combine(_cli.DataDir, "absent.bin");

        var result = await _cli.RunAsync(command, "--in", missing);

        Assert.Equal(2, result.ExitCode);
        var line = ErrorLine(result);
        Assert.Contains(missing, line, StringComparison.Ordinal);
        Assert.Contains("does not exist", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecryptFailure_ExitsOneWithPrefixedLine()
    {
        _cli.Environment["ASHERAH_STATIC_MASTER_KEY"] = "0123456789abcdef0123456789abcdef";

        var result = await _cli.RunAsync("not a record"u8.ToArray(), "decrypt");

        Assert.Equal(1, result.ExitCode);
        ErrorLine(result);
    }

    [Fact]
    public async Task KmsFailure_ExitsOneWithPrefixedLineWithoutEitherKey()
    {
        _cli.Environment["ASHERAH_STATIC_MASTER_KEY"] = "0123456789abcdef0123456789abcdef";
        var encrypted = await _cli.RunAsync("x"u8.ToArray(), "encrypt");
        _cli.Environment["ASHERAH_STATIC_MASTER_KEY"] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

        var result = await _cli.RunAsync(encrypted.Stdout, "decrypt");

        Assert.Equal(1, result.ExitCode);
        var line = ErrorLine(result);
        Assert.Contains("master key", line, StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789abcdef", line, StringComparison.Ordinal);
        Assert.DoesNotContain("ABCDEFGHIJ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongLengthStaticKey_IsAPrefixedUsageErrorWithoutTheKey()
    {
        _cli.Environment["ASHERAH_STATIC_MASTER_KEY"] = "short-secret-value";

        var result = await _cli.RunAsync("x"u8.ToArray(), "encrypt");

        Assert.Equal(2, result.ExitCode);
        var line = ErrorLine(result);
        Assert.DoesNotContain("short-secret-value", line, StringComparison.Ordinal);
        Assert.Contains("--static-master-key (environment ASHERAH_STATIC_MASTER_KEY) must be exactly 32 bytes", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaticMasterKeyOnCommandLine_WarnsThatPsShowsIt()
    {
        const string key = "0123456789abcdef0123456789abcdef";

        var encrypted = await _cli.RunAsync("x"u8.ToArray(), "encrypt", "--static-master-key", key);

        Assert.Equal(0, encrypted.ExitCode);
        Assert.Equal([EnvironmentOptions.CommandLineKeyWarning], encrypted.StderrLines);
        Assert.Contains("ASHERAH_STATIC_MASTER_KEY", encrypted.Stderr, StringComparison.Ordinal);
        Assert.Contains("--master-key-file", encrypted.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(key, encrypted.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaticMasterKeyFromEnvironment_DoesNotWarn()
    {
        _cli.Environment["ASHERAH_STATIC_MASTER_KEY"] = "0123456789abcdef0123456789abcdef";

        var encrypted = await _cli.RunAsync("x"u8.ToArray(), "encrypt");

        Assert.Equal(0, encrypted.ExitCode);
        Assert.Empty(encrypted.Stderr);
    }
}

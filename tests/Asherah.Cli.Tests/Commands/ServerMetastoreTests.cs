using System.Data.Common;
using System.Text.Json;
using Asherah.Metastore.Sql;
using Asherah.Tests.Shared;

namespace Asherah.Cli.Tests.Commands;

/// <summary>
/// <c>encrypt</c>, <c>decrypt</c> and <c>keys list</c> over a real database server, each test on a fresh empty
/// database, in-process and as a second process sharing the database with a factory of the test process.
/// </summary>
public abstract class ServerMetastoreTests : IAsyncLifetime, IDisposable
{
    private const string MasterKey = "thisIsAStaticMasterKeyForTesting";

    private readonly CliRun _cli = new();

    /// <summary>The fresh database's connection string.</summary>
    protected string ConnectionString { get; private set; } = string.Empty;

    /// <summary>The name the CLI is given (<c>postgres</c>, <c>mysql</c>).</summary>
    protected abstract string Name { get; }

    /// <summary>Another name of the same metastore, as canonical's server spells it, or <see cref="Name"/>.</summary>
    protected abstract string CanonicalName { get; }

    protected abstract SqlDialect Dialect { get; }

    protected abstract DbDataSource CreateDataSource(string connectionString);

    protected abstract Task<string> CreateFreshDatabaseAsync();

    protected abstract Task DropFreshDatabaseAsync();

    protected abstract Task<bool> TableExistsAsync();

    public async Task InitializeAsync() => ConnectionString = await CreateFreshDatabaseAsync();

    public Task DisposeAsync() => DropFreshDatabaseAsync();

    public void Dispose() => _cli.Dispose();

    private string[] Args(params string[] args) => [.. args, "--metastore", Name, "--conn", ConnectionString];

    [MetastoreFact]
    public async Task EncryptDecryptAndKeysList_WithCreateTable_RoundTrip()
    {
        var encrypted = await _cli.RunAsync("over a server"u8.ToArray(), Args("encrypt", "--partition", "u1", "--create-table"));
        Assert.True(encrypted.ExitCode == 0, encrypted.Stderr);

        var decrypted = await _cli.RunAsync(encrypted.Stdout, Args("decrypt", "--partition", "u1"));
        Assert.True(decrypted.ExitCode == 0, decrypted.Stderr);
        Assert.Equal("over a server"u8.ToArray(), decrypted.Stdout);

        var table = await _cli.RunAsync(Args("keys", "list"));
        Assert.True(table.ExitCode == 0, table.Stderr);
        var lines = table.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("ID", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("_SK_asherah-cli_asherah-cli ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("_IK_u1_asherah-cli_asherah-cli ", StringComparison.Ordinal));

        var json = await _cli.RunAsync(Args("keys", "list", "--json"));
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal(
            ["_IK_u1_asherah-cli_asherah-cli", "_SK_asherah-cli_asherah-cli"],
            document.RootElement.EnumerateArray().Select(k => k.GetProperty("id").GetString()));
    }

    [MetastoreFact]
    public async Task Encrypt_WithoutTheTable_FailsSayingHowToCreateIt_AndCreatesNothing()
    {
        var result = await _cli.RunAsync("x"u8.ToArray(), Args("encrypt"));

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StderrLines, l => !l.Contains("warning", StringComparison.Ordinal));
        Assert.StartsWith($"asherah: cannot load key '_IK_default_asherah-cli_asherah-cli' in the {Name} metastore (", line, StringComparison.Ordinal);
        Assert.Contains("encryption_key", line, StringComparison.Ordinal);
        Assert.Contains("--create-table", line, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
        Assert.False(await TableExistsAsync());
    }

    [MetastoreFact]
    public async Task KeysList_FromTheCanonicalEnvironmentNames()
    {
        Assert.Equal(0, (await _cli.RunAsync("x"u8.ToArray(), Args("encrypt", "--partition", "env", "--create-table"))).ExitCode);
        _cli.Environment["ASHERAH_METASTORE_MODE"] = CanonicalName;
        _cli.Environment["ASHERAH_CONNECTION_STRING"] = ConnectionString;

        var result = await _cli.RunAsync("keys", "list", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Empty(result.Stderr);
        using var document = JsonDocument.Parse(result.Stdout);
        Assert.Contains("_IK_env_asherah-cli_asherah-cli", document.RootElement.EnumerateArray().Select(k => k.GetProperty("id").GetString()));
    }

    [MetastoreFact]
    public async Task RecordsCross_BetweenACliProcess_AndAFactoryOfThisProcess()
    {
        var environment = new Dictionary<string, string?>
        {
            ["ASHERAH_DATA_DIR"] = _cli.DataDir,
            ["HOME"] = _cli.DataDir,
            ["ASHERAH_METASTORE_MODE"] = CanonicalName,
            ["ASHERAH_CONNECTION_STRING"] = ConnectionString,
            ["ASHERAH_STATIC_MASTER_KEY"] = MasterKey,
        };
        var payload = "written by the CLI process"u8.ToArray();
        var written = await CliProcess.RunAsync(environment, payload, "encrypt", "--partition", "shared", "--create-table");
        Assert.True(written.ExitCode == 0, written.Stderr);

        var options = new AsherahOptions
        {
            ProductId = "asherah-cli",
            ServiceId = "asherah-cli",
            Metastore = Name,
            ConnectionString = ConnectionString,
            Kms = "static",
            StaticMasterKey = MasterKey,
        };
        var providers = new AsherahProviders().AddSqlMetastore(Name, Dialect, CreateDataSource);
        await using var factory = SessionFactoryBuilder.FromOptions(options, providers).Build();
        using (var session = factory.GetSessionBytes("shared"))
        {
            Assert.Equal(payload, await session.DecryptAsync(written.Stdout));
        }

        foreach (var partition in new[] { "shared", "mine" })
        {
            byte[] record;
            using (var session = factory.GetSessionBytes(partition))
            {
                record = await session.EncryptAsync(System.Text.Encoding.UTF8.GetBytes("written by the test for " + partition));
            }

            var read = await CliProcess.RunAsync(environment, record, "decrypt", "--partition", partition);
            Assert.True(read.ExitCode == 0, read.Stderr);
            Assert.Equal("written by the test for " + partition, read.StdoutText);
        }
    }
}

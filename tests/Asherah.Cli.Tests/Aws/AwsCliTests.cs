using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Asherah.Kms.Aws;
using Asherah.Kms.Aws.TestServer;
using Asherah.Metastore.DynamoDb;
using Asherah.Tests.Shared;

namespace Asherah.Cli.Tests.Aws;

/// <summary>
/// <c>encrypt</c>, <c>decrypt</c> and <c>keys list</c> with <c>--metastore dynamodb</c> on dynalite and <c>--kms aws</c>
/// on the local KMS test server (two regions), in-process and as a child process sharing the table and the KMS with a
/// factory of the test process. Each test has its own table and its own KMS keys.
/// </summary>
[Collection(nameof(AwsEnvironment))]
[RequiresEnvironment(DynamoDbVariable, "run eval \"$(scripts/dynalite.sh start)\"; scripts/test.sh does it")]
public sealed class AwsCliTests : IAsyncLifetime, IDisposable
{
    private const string DynamoDbVariable = "ASHERAH_TEST_DYNAMODB";
    private const string West = "us-west-2";
    private const string East = "us-east-1";

    private readonly CliRun _cli = new();
    private readonly string _table = "asherah-cli-test-" + Guid.NewGuid().ToString("N");
    private KmsTestServer _kms = null!;
    private AwsEnvironment _aws = null!;

    private static string Endpoint => Environment.GetEnvironmentVariable(DynamoDbVariable)!;

    private string RegionMap => $"{West}={_kms.KeyArn(West)},{East}={_kms.KeyArn(East)}";

    public async Task InitializeAsync()
    {
        _kms = await KmsTestServer.StartAsync(West, East);
        _aws = new AwsEnvironment(_kms.Url);
    }

    public async Task DisposeAsync()
    {
        _aws.Dispose();
        await _kms.DisposeAsync();
    }

    public void Dispose() => _cli.Dispose();

    private string[] Args(params string[] args) =>
    [
        .. args,
        "--metastore", "dynamodb", "--dynamodb-endpoint", Endpoint, "--dynamodb-region", West, "--dynamodb-table-name", _table,
        "--kms", "aws", "--region-map", RegionMap,
    ];

    private static AmazonDynamoDBClient DynamoDbClient() =>
        new(new BasicAWSCredentials("dynalite", "dynalite"), new AmazonDynamoDBConfig { ServiceURL = Endpoint, AuthenticationRegion = West });

    [Fact]
    public async Task EncryptDecryptAndKeysList_WithCreateTable_RoundTrip_WithTheKeyInEveryRegion()
    {
        var encrypted = await _cli.RunAsync("over dynamodb and aws kms"u8.ToArray(), Args("encrypt", "--partition", "u1", "--create-table"));
        Assert.True(encrypted.ExitCode == 0, encrypted.Stderr);
        Assert.Empty(encrypted.Stderr);

        var decrypted = await _cli.RunAsync(encrypted.Stdout, Args("decrypt", "--partition", "u1"));
        Assert.True(decrypted.ExitCode == 0, decrypted.Stderr);
        Assert.Equal("over dynamodb and aws kms"u8.ToArray(), decrypted.Stdout);

        // The system key's data key came from the preferred region and was encrypted in the other one too.
        Assert.Equal(1, _kms.Requests(West, "GenerateDataKey"));
        Assert.Equal(1, _kms.Requests(East, "Encrypt"));
        Assert.Equal(0, _kms.Requests(East, "GenerateDataKey"));

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
            document.RootElement.EnumerateArray().Select(k => k.GetProperty("id").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task PreferredRegion_TakesTheDataKeyFromThatRegion()
    {
        var encrypted = await _cli.RunAsync("x"u8.ToArray(), Args("encrypt", "--create-table", "--preferred-region", East));

        Assert.True(encrypted.ExitCode == 0, encrypted.Stderr);
        Assert.Equal(1, _kms.Requests(East, "GenerateDataKey"));
        Assert.Equal(0, _kms.Requests(West, "GenerateDataKey"));
        Assert.Equal(1, _kms.Requests(West, "Encrypt"));
    }

    [Fact]
    public async Task Encrypt_WithoutTheTable_FailsOnOneLineSayingHowToCreateIt_AndCreatesNothing()
    {
        var result = await _cli.RunAsync("x"u8.ToArray(), Args("encrypt"));

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.Equal(
            $"asherah: cannot load key '_IK_default_asherah-cli_asherah-cli' in the dynamodb metastore (table {_table} at {Endpoint}): " +
            "the table does not exist; create it with --create-table (or have its owner create it: hash key Id S, range key Created N)",
            line);
        Assert.Empty(result.Stdout);
        using var client = DynamoDbClient();
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => client.DescribeTableAsync(_table));
        Assert.Equal(0, _kms.Requests(West, "GenerateDataKey"));
    }

    [Fact]
    public async Task KeysList_WithoutTheTable_SaysSo_AndWithCreateTable_ListsNoKeys()
    {
        var missing = await _cli.RunAsync(Args("keys", "list"));
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith($"asherah: cannot list keys in the dynamodb metastore (table {_table} at {Endpoint}): the table does not exist", Assert.Single(missing.StderrLines), StringComparison.Ordinal);

        var created = await _cli.RunAsync(Args("keys", "list", "--create-table"));
        Assert.True(created.ExitCode == 0, created.Stderr);
        Assert.Contains("(no keys)", created.StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Encrypt_WhenNoKmsRegionAnswers_FailsOnOneLineNamingTheRegions_AndWritesNoKey()
    {
        _kms.SetFault(West, KmsFault.Fail);
        _kms.SetFault(East, KmsFault.Fail);

        var result = await _cli.RunAsync("x"u8.ToArray(), Args("encrypt", "--create-table"));

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("asherah: Could not generate a data key in any AWS KMS region; tried ", line, StringComparison.Ordinal);
        Assert.Contains($"{West} (unavailable: KMSInternalException)", line, StringComparison.Ordinal);
        Assert.Contains($"{East} (unavailable: KMSInternalException)", line, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);

        _kms.ClearFaults();
        var keys = await _cli.RunAsync(Args("keys", "list", "--json"));
        Assert.True(keys.ExitCode == 0, keys.Stderr);
        using var document = JsonDocument.Parse(keys.Stdout);
        Assert.Empty(document.RootElement.EnumerateArray());
    }

    [Fact]
    public async Task RecordsCross_BetweenACliProcess_AndAFactoryOfThisProcess()
    {
        // The child gets only the canonical server's variable names, and the AWS SDK's.
        var environment = new Dictionary<string, string?>(_aws.Variables)
        {
            ["ASHERAH_DATA_DIR"] = _cli.DataDir,
            ["HOME"] = _cli.DataDir,
            ["ASHERAH_METASTORE_MODE"] = "dynamodb",
            ["ASHERAH_DYNAMODB_ENDPOINT"] = Endpoint,
            ["ASHERAH_DYNAMODB_REGION"] = West,
            ["ASHERAH_DYNAMODB_TABLE_NAME"] = _table,
            ["ASHERAH_KMS_MODE"] = "aws",
            ["ASHERAH_REGION_MAP"] = RegionMap,
            ["ASHERAH_PREFERRED_REGION"] = West,
        };
        var payload = "written by the CLI process"u8.ToArray();
        var written = await CliProcess.RunAsync(environment, payload, "encrypt", "--partition", "shared", "--create-table");
        Assert.True(written.ExitCode == 0, written.Stderr);

        using var client = DynamoDbClient();
        using var metastore = new DynamoDbMetastore(client, new DynamoDbMetastoreOptions { TableName = _table });
        var kmsOptions = new AwsKmsOptions().AddRegion(East, _kms.KeyArn(East)).AddRegion(West, _kms.KeyArn(West));
        kmsOptions.ClientFactory = region => new Amazon.KeyManagementService.AmazonKeyManagementServiceClient(
            new BasicAWSCredentials("AKIDLOCALTEST", "local-test-secret"),
            new Amazon.KeyManagementService.AmazonKeyManagementServiceConfig { ServiceURL = _kms.Url.ToString(), AuthenticationRegion = region });
        using var kms = new AwsKeyManagementService(kmsOptions);
        await using var factory = SessionFactory.NewBuilder("asherah-cli", "asherah-cli").WithNeverExpiredCryptoPolicy().WithMetastore(metastore).WithKeyManagementService(kms).Build();
        using (var session = factory.GetSessionBytes("shared"))
        {
            Assert.Equal(payload, await session.DecryptAsync(written.Stdout));
        }

        foreach (var partition in new[] { "shared", "mine" })
        {
            byte[] record;
            using (var session = factory.GetSessionBytes(partition))
            {
                record = await session.EncryptAsync(Encoding.UTF8.GetBytes("written by the test for " + partition));
            }

            var read = await CliProcess.RunAsync(environment, record, "decrypt", "--partition", partition);
            Assert.True(read.ExitCode == 0, read.Stderr);
            Assert.Equal("written by the test for " + partition, read.StdoutText);
        }

        var listed = await CliProcess.RunAsync(environment, [], "keys", "list", "--json");
        Assert.True(listed.ExitCode == 0, listed.Stderr);
        using var document = JsonDocument.Parse(listed.Stdout);
        Assert.Equal(
            ["_IK_mine_asherah-cli_asherah-cli", "_IK_shared_asherah-cli_asherah-cli", "_SK_asherah-cli_asherah-cli"],
            document.RootElement.EnumerateArray().Select(k => k.GetProperty("id").GetString()).Order(StringComparer.Ordinal));
    }
}

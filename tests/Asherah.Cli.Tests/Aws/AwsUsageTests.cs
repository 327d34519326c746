using System.Net;
using System.Net.Sockets;

namespace Asherah.Cli.Tests.Aws;

/// <summary>
/// Bad <c>--kms aws</c> and <c>--metastore dynamodb</c> settings are usage errors (exit 2, one <c>asherah:</c> line naming
/// the option and its variable) found before anything is created or contacted: the endpoints here are closed ports,
/// so reaching one would be a runtime failure (exit 1) instead.
/// </summary>
[Collection(nameof(AwsEnvironment))]
public sealed class AwsUsageTests : IDisposable
{
    private readonly CliRun _cli = new();

    public void Dispose() => _cli.Dispose();

    private static string ClosedEndpoint()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
    }

    private async Task<string> UsageErrorAsync(params string[] args)
    {
        var result = await _cli.RunAsync("x"u8.ToArray(), args);
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Stderr}");
        Assert.Empty(result.Stdout);
        // A parse error (an unknown choice) adds the help hint on a line of its own.
        var line = Assert.Single(result.StderrLines, l => l != "Run 'asherah --help' for usage.");
        Assert.StartsWith("asherah: ", line, StringComparison.Ordinal);
        return line;
    }

    [Fact]
    public async Task KmsAws_WithoutARegionMap_IsAUsageError_NamingTheOptionAndVariable()
    {
        var line = await UsageErrorAsync("encrypt", "--kms", "aws");

        Assert.Contains("No AWS KMS region is configured", line, StringComparison.Ordinal);
        Assert.Contains("--region-map, environment ASHERAH_REGION_MAP", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KmsAwsFromTheCanonicalVariable_WithoutARegionMap_IsAUsageError()
    {
        _cli.Environment["ASHERAH_KMS_MODE"] = "aws";

        var line = await UsageErrorAsync("decrypt");

        Assert.Contains("ASHERAH_REGION_MAP", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("us-west-2")]
    [InlineData("us-west-2=arn:aws:kms:us-west-2:111122223333:key/k,=arn:x")]
    [InlineData("=")]
    public async Task AMalformedRegionMap_IsAUsageError_NamingTheEntry(string map)
    {
        var line = await UsageErrorAsync("encrypt", "--kms", "aws", "--region-map", map);

        Assert.StartsWith("asherah: The aws key management service: --region-map (environment ASHERAH_REGION_MAP): Entry ", line, StringComparison.Ordinal);
        Assert.Contains("is not REGION=ARN", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APreferredRegionOutsideTheMap_IsAUsageError()
    {
        var line = await UsageErrorAsync("encrypt", "--kms", "aws", "--region-map", "us-west-2=arn:aws:kms:us-west-2:111122223333:key/k", "--preferred-region", "eu-west-1");

        Assert.Contains("'eu-west-1' (--preferred-region, environment ASHERAH_PREFERRED_REGION) is not one of the configured regions: us-west-2", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownKms_IsAUsageErrorOnOneLine_ListingTheChoices()
    {
        var line = await UsageErrorAsync("encrypt", "--kms", "vault");

        Assert.Contains("'vault'", line, StringComparison.Ordinal);
        Assert.Contains("'aws'", line, StringComparison.Ordinal);
        Assert.Contains("'static'", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadKmsSetting_FailsBeforeTheDynamoDbTableIsCreated()
    {
        // With a reachable check the closed endpoint would fail the command with exit 1; the KMS check comes first.
        var line = await UsageErrorAsync("encrypt", "--metastore", "dynamodb", "--dynamodb-endpoint", ClosedEndpoint(), "--create-table", "--kms", "aws");

        Assert.Contains("--region-map", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--dynamodb-table-name", "no spaces", "--dynamodb-table-name (environment ASHERAH_DYNAMODB_TABLE_NAME)")]
    [InlineData("--dynamodb-table-name", "ab", "--dynamodb-table-name (environment ASHERAH_DYNAMODB_TABLE_NAME)")]
    [InlineData("--dynamodb-endpoint", "ftp://127.0.0.1:1", "--dynamodb-endpoint (environment ASHERAH_DYNAMODB_ENDPOINT)")]
    [InlineData("--conn", "Host=db", "--conn is not a dynamodb setting")]
    public async Task ABadDynamoDbSetting_IsAUsageError_EvenForKeysList(string option, string value, string named)
    {
        var line = await UsageErrorAsync("keys", "list", "--metastore", "dynamodb", option, value);

        Assert.Contains(named, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadRegionSuffixVariable_IsAUsageError()
    {
        _cli.Environment["ASHERAH_ENABLE_REGION_SUFFIX"] = "maybe";

        var line = await UsageErrorAsync("keys", "list", "--metastore", "dynamodb", "--dynamodb-endpoint", ClosedEndpoint());

        Assert.Contains("--enable-region-suffix (environment ASHERAH_ENABLE_REGION_SUFFIX) is 'maybe'", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableDynamoDb_IsARuntimeFailure_OnOneLineNamingTheEndpoint()
    {
        var endpoint = ClosedEndpoint();
        using var aws = new AwsEnvironment(new Uri(ClosedEndpoint()));
        var result = await _cli.RunAsync(
            "keys", "list", "--metastore", "dynamodb", "--dynamodb-endpoint", endpoint, "--dynamodb-region", "us-west-2", "--dynamodb-table-name", "t-unreachable");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith($"asherah: cannot list keys in the dynamodb metastore (table t-unreachable at {endpoint}): ", line, StringComparison.Ordinal);
    }
}

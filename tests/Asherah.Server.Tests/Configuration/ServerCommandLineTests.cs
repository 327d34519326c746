using Asherah.Server.Configuration;

namespace Asherah.Server.Tests.Configuration;

/// <summary>The canonical Go server's command line, parsed into configuration keys.</summary>
public sealed class ServerCommandLineTests
{
    [Fact]
    public void CanonicalFlags_InBothSyntaxes_SetTheirConfigurationKeys()
    {
        var values = Parse(
            "-s", "/tmp/x.sock", "--service=svc", "--product", "prod", "--expire-after=2160h", "--check-interval", "60m",
            "--metastore=rdbms", "--conn", "user:pw@tcp(db:3306)/keys", "--kms=aws", "--region-map", "us-west-2=arn:1,us-east-1=arn:2",
            "--preferred-region=us-west-2", "--enable-session-caching", "--session-cache-max-size=10", "--session-cache-duration", "1h",
            "--dynamodb-endpoint=http://localhost:8000", "--dynamodb-region", "us-west-2", "--dynamodb-table-name=Keys",
            "--enable-region-suffix", "--replica-read-consistency=global", "-v");

        Assert.Equal("/tmp/x.sock", values["AsherahServer:SocketFile"]);
        Assert.Equal("svc", values["Asherah:ServiceId"]);
        Assert.Equal("prod", values["Asherah:ProductId"]);
        Assert.Equal("2160h", values["Asherah:ExpireAfter"]);
        Assert.Equal("60m", values["Asherah:CheckInterval"]);
        Assert.Equal("rdbms", values["Asherah:Metastore"]);
        Assert.Equal("user:pw@tcp(db:3306)/keys", values["Asherah:ConnectionString"]);
        Assert.Equal("aws", values["Asherah:Kms"]);
        Assert.Equal("us-west-2=arn:1,us-east-1=arn:2", values["Asherah:RegionMap"]);
        Assert.Equal("us-west-2", values["Asherah:PreferredRegion"]);
        Assert.Equal("true", values["Asherah:EnableSessionCaching"]);
        Assert.Equal("10", values["Asherah:SessionCacheMaxSize"]);
        Assert.Equal("1h", values["Asherah:SessionCacheDuration"]);
        Assert.Equal("http://localhost:8000", values["Asherah:DynamoDbEndpoint"]);
        Assert.Equal("us-west-2", values["Asherah:DynamoDbRegion"]);
        Assert.Equal("Keys", values["Asherah:DynamoDbTableName"]);
        Assert.Equal("true", values["Asherah:EnableRegionSuffix"]);
        Assert.Equal("global", values["Asherah:ReplicaReadConsistency"]);
        Assert.Equal("true", values["Asherah:Verbose"]);
    }

    [Fact]
    public void NoArguments_SetNothing()
    {
        Assert.Empty(Parse());
    }

    [Theory]
    [InlineData("--no-such-flag")]
    [InlineData("--service")]
    [InlineData("--service", "")]
    public void BadArguments_AreUsageErrors(params string[] args)
    {
        var error = new StringWriter();
        Assert.Null(new ServerCommandLine().Parse(args, TextWriter.Null, error, out var exitCode));
        Assert.Equal(2, exitCode);
        Assert.StartsWith("asherah-server: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Help_PrintsEveryCanonicalFlag_AndExitsZero()
    {
        var output = new StringWriter();
        Assert.Null(new ServerCommandLine().Parse(["--help"], output, TextWriter.Null, out var exitCode));
        Assert.Equal(0, exitCode);
        foreach (var flag in new[] { "--socket-file", "--service", "--product", "--expire-after", "--check-interval", "--metastore", "--conn", "--kms", "--region-map", "--preferred-region", "--session-cache-max-size", "--session-cache-duration", "--enable-session-caching", "--dynamodb-endpoint", "--replica-read-consistency" })
        {
            Assert.Contains(flag, output.ToString(), StringComparison.Ordinal);
        }
    }

    private static IReadOnlyDictionary<string, string?> Parse(params string[] args)
    {
        var error = new StringWriter();
        var values = new ServerCommandLine().Parse(args, TextWriter.Null, error, out var exitCode);
        Assert.True(values is not null, error.ToString());
        Assert.Equal(0, exitCode);
        return values;
    }
}

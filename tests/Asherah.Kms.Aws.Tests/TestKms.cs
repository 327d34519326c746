using Amazon.KeyManagementService;
using Amazon.Runtime;
using Asherah.Kms.Aws.TestServer;

namespace Asherah.Kms.Aws.Tests;

/// <summary>The real AWS SDK client pointed at a <see cref="KmsTestServer"/>, and options over its regions.</summary>
internal static class TestKms
{
    public const string West = "us-west-2";
    public const string East = "us-east-1";
    public const string Europe = "eu-west-1";

    public static readonly string[] Regions = [West, East, Europe];

    public static Task<KmsTestServer> StartAsync() => KmsTestServer.StartAsync(Regions);

    /// <summary>A real client with dummy credentials, signing for <paramref name="region"/>, no SDK retries.</summary>
    public static IAmazonKeyManagementService Client(KmsTestServer server, string region) =>
        new AmazonKeyManagementServiceClient(
            new BasicAWSCredentials("AKIDLOCALTEST", "local-test-secret"),
            new AmazonKeyManagementServiceConfig
            {
                ServiceURL = server.Url.ToString(),
                AuthenticationRegion = region,
                MaxErrorRetry = 0,
            });

    /// <summary>Options over <paramref name="regions"/> (default all three, us-west-2 preferred) of <paramref name="server"/>.</summary>
    public static AwsKmsOptions Options(KmsTestServer server, TimeSpan? timeout = null, params string[] regions)
    {
        var options = new AwsKmsOptions
        {
            ClientFactory = region => Client(server, region),
            RegionTimeout = timeout ?? TimeSpan.FromSeconds(20),
        };
        foreach (var region in regions.Length == 0 ? Regions : regions)
        {
            options.AddRegion(region, server.KeyArn(region));
        }

        return options;
    }

    /// <summary>Fresh random key material of 32 bytes, and a copy of its bytes for assertions.</summary>
    public static (KeyMaterial Key, byte[] Bytes) NewKey()
    {
        var bytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        return (KeyMaterial.Create(bytes), bytes);
    }
}

using Asherah.Kms.Aws.TestServer;
using static Asherah.Kms.Aws.Tests.TestKms;

namespace Asherah.Kms.Aws.Tests;

/// <summary>Tests that change the process environment run alone.</summary>
[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;

/// <summary>Without a client factory, clients come from the standard AWS SDK chain: credentials and endpoint from the environment.</summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class DefaultClientTests
{
    [Fact]
    public async Task DefaultClients_TakeCredentialsAndTheEndpointFromTheSdkChain()
    {
        await using var server = await StartAsync();
        string[] names = ["AWS_ENDPOINT_URL_KMS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_MAX_ATTEMPTS"];
        var saved = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_KMS", server.Url.ToString());
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDFROMENVIRONMENT");
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "secret-from-environment");
            Environment.SetEnvironmentVariable("AWS_MAX_ATTEMPTS", "1");
            var options = new AwsKmsOptions().AddRegion(East, server.KeyArn(East)).AddRegion(West, server.KeyArn(West));
            using var kms = new AwsKeyManagementService(options);
            var (key, bytes) = NewKey();
            using (key)
            {
                using var decrypted = await kms.DecryptKeyAsync(await kms.EncryptKeyAsync(key), KeyMaterialAllocator.Default);

                Assert.True(decrypted.FixedTimeEquals(bytes));
                Assert.Equal(1, server.Requests(East, "GenerateDataKey"));
                Assert.Equal(1, server.Requests(West, "Encrypt"));
            }
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}

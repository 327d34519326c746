namespace Asherah.Cli.Tests.Aws;

/// <summary>Tests that set AWS_* variables of this process (the AWS SDK reads them there, not from the CLI's environment) run alone.</summary>
[CollectionDefinition(nameof(AwsEnvironment), DisableParallelization = true)]
public sealed class AwsEnvironmentCollection;

/// <summary>
/// Points the AWS SDK's standard chain of this process at local servers: dummy credentials (dynalite and the KMS test
/// server check none), <c>AWS_ENDPOINT_URL_KMS</c> at the KMS test server, no instance-metadata lookups, no retries.
/// Restores the previous values when disposed. The same variables go to a CLI child process through <see cref="Variables"/>.
/// </summary>
public sealed class AwsEnvironment : IDisposable
{
    private readonly Dictionary<string, string?> _saved;

    public AwsEnvironment(Uri kmsEndpoint)
    {
        Variables = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIDLOCALTEST",
            ["AWS_SECRET_ACCESS_KEY"] = "local-test-secret",
            ["AWS_ENDPOINT_URL_KMS"] = kmsEndpoint.ToString(),
            ["AWS_EC2_METADATA_DISABLED"] = "true",
            ["AWS_MAX_ATTEMPTS"] = "1",
        };
        _saved = Variables.Keys.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        foreach (var (name, value) in Variables)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    /// <summary>The variables set, for a child process.</summary>
    public IReadOnlyDictionary<string, string?> Variables { get; }

    public void Dispose()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}

using Microsoft.Extensions.Hosting;

namespace Asherah.Hosting;

/// <summary>
/// Refuses development components (the static KMS, the in-memory metastore, the never-expiring policy) when the host
/// environment is Production, unless <see cref="AsherahOptions.AllowDevelopmentComponentsInProduction"/> is set.
/// </summary>
/// <remarks>
/// Checked twice under dependency injection: by the options validator at start (the names and the policy), and when the
/// factory is built (the instances given in code, such as <c>UseMetastore(_ =&gt; new InMemoryMetastore())</c>). No
/// <see cref="IHostEnvironment"/> registered (a console app, the CLI, the plain path) means no guard: only a host says
/// it is Production.
/// </remarks>
internal static class ProductionGuard
{
    /// <summary>Whether <paramref name="services"/> has a host environment that is Production.</summary>
    public static bool IsProduction(IServiceProvider services) =>
        services.GetService(typeof(IHostEnvironment)) is IHostEnvironment environment && environment.IsProduction();

    /// <summary>A message for each development component in use, or none when the guard does not apply.</summary>
    public static List<string> Failures(AsherahOptions options, IServiceProvider services, bool inMemoryMetastore, bool staticKms)
    {
        var failures = new List<string>();
        if (options.AllowDevelopmentComponentsInProduction || !IsProduction(services))
        {
            return failures;
        }

        if (inMemoryMetastore)
        {
            failures.Add(Refusal("the in-memory metastore (Asherah:Metastore 'memory' or UseInMemoryMetastore)", "keeps keys only in this process: every record encrypted is unreadable after a restart", "a persistent metastore (sqlite, postgres, mysql, dynamodb)"));
        }

        if (staticKms)
        {
            failures.Add(Refusal("the static KMS (Asherah:Kms 'static' or UseStaticKeyManagementService)", "protects every system key with one master key held in configuration or a file", "a real key management service (aws)"));
        }

        if (options.CryptoPolicy is NeverExpiredCryptoPolicy || (options.CryptoPolicy is null && options.Policy == CryptoPolicyKind.NeverExpired))
        {
            failures.Add(Refusal($"the never-expiring crypto policy ({AsherahOptionsBinder.Describe("Asherah:Policy")} 'NeverExpired' or a NeverExpiredCryptoPolicy)", "never rotates keys and never re-checks them for revocation", "the default expiring policy (Asherah:ExpireAfter, Asherah:CheckInterval)"));
        }

        return failures;
    }

    private static string Refusal(string component, string why, string instead) =>
        $"The host environment is Production, and Asherah is configured with {component}, which is for development and tests only: it {why}. "
        + $"Use {instead}, or, to allow it anyway, set {AsherahOptionsBinder.Describe("Asherah:AllowDevelopmentComponentsInProduction")} to true.";
}

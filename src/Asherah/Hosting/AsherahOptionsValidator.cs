using Microsoft.Extensions.Options;

namespace Asherah.Hosting;

/// <summary>
/// Checks <see cref="AsherahOptions"/> against the registered providers, for <c>ValidateOnStart</c> and for
/// <see cref="SessionFactoryBuilder.FromOptions"/>; every failure says which key (and variables) to fix.
/// </summary>
/// <param name="providers">The names that can be chosen.</param>
/// <param name="metastoreInCode">Whether a metastore was given in code, which makes the name optional and unused.</param>
/// <param name="kmsInCode">Whether a key management service was given in code.</param>
/// <param name="services">The application's services, handed to the providers' validation callbacks.</param>
internal sealed class AsherahOptionsValidator(AsherahProviders providers, Func<bool> metastoreInCode, Func<bool> kmsInCode, IServiceProvider services)
    : IValidateOptions<AsherahOptions>
{
    public ValidateOptionsResult Validate(string? name, AsherahOptions options)
    {
        bool metastoreGiven = metastoreInCode();
        bool kmsGiven = kmsInCode();
        var failures = Failures(new AsherahProviderContext(options, services), providers, metastoreGiven, kmsGiven, requireNames: true);
        failures.AddRange(ProductionGuard.Failures(
            options,
            services,
            inMemoryMetastore: !metastoreGiven && string.Equals(options.Metastore, AsherahProviders.Memory, StringComparison.OrdinalIgnoreCase),
            staticKms: !kmsGiven && string.Equals(options.Kms, AsherahProviders.Static, StringComparison.OrdinalIgnoreCase)));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// Every problem with the options of <paramref name="context"/>, the providers' own checks included (they see the
    /// configuration and services too). With <paramref name="requireNames"/> false a missing metastore or
    /// KMS name is not one: the plain path leaves that to <see cref="SessionFactoryBuilder.Build"/>, since the caller may
    /// still give the part in code.
    /// </summary>
    public static List<string> Failures(AsherahProviderContext context, AsherahProviders providers, bool metastoreInCode, bool kmsInCode, bool requireNames)
    {
        var options = context.Options;
        var failures = new List<string>(options.BindingErrors);
        if (string.IsNullOrWhiteSpace(options.ProductId))
        {
            failures.Add($"{AsherahOptionsBinder.Describe("Asherah:ProductId")} is required.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add($"{AsherahOptionsBinder.Describe("Asherah:ServiceId")} is required.");
        }

        if (!metastoreInCode)
        {
            if (string.IsNullOrEmpty(options.Metastore))
            {
                if (requireNames)
                {
                    failures.Add($"{AsherahOptionsBinder.Describe("Asherah:Metastore")} is required: one of {string.Join(", ", providers.MetastoreNames)}, or give a metastore in code (UseMetastore).");
                }
            }
            else if (!providers.HasMetastore(options.Metastore))
            {
                failures.Add(UnknownMetastore(options.Metastore, providers));
            }
            else if (providers.ValidateMetastore(options.Metastore, context) is { } failure)
            {
                failures.Add(failure);
            }
        }

        if (!kmsInCode)
        {
            if (string.IsNullOrEmpty(options.Kms))
            {
                if (requireNames)
                {
                    failures.Add($"{AsherahOptionsBinder.Describe("Asherah:Kms")} is required: one of {string.Join(", ", providers.KeyManagementServiceNames)}, or give a key management service in code (UseKeyManagementService).");
                }
            }
            else if (!providers.HasKeyManagementService(options.Kms))
            {
                failures.Add(UnknownKms(options.Kms, providers));
            }
            else if (providers.ValidateKeyManagementService(options.Kms, context) is { } failure)
            {
                failures.Add(failure);
            }
        }

        return failures;
    }

    public static string UnknownMetastore(string name, AsherahProviders providers) =>
        $"{AsherahOptionsBinder.Describe("Asherah:Metastore")} is '{name}', which is not registered; registered: {string.Join(", ", providers.MetastoreNames)}. "
        + "Metastores of adapter packages are registered by calling their extension method, e.g. AddSqliteMetastore() from Asherah.Metastore.Sql.";

    public static string UnknownKms(string name, AsherahProviders providers) =>
        $"{AsherahOptionsBinder.Describe("Asherah:Kms")} is '{name}', which is not registered; registered: {string.Join(", ", providers.KeyManagementServiceNames)}. "
        + "Key management services of adapter packages are registered by calling their extension method.";

    /// <summary>Throws when <see cref="Failures"/> finds any.</summary>
    /// <exception cref="OptionsValidationException">The options are not valid.</exception>
    public static void ThrowIfInvalid(AsherahProviderContext context, AsherahProviders providers, bool metastoreInCode, bool kmsInCode, bool requireNames)
    {
        var failures = Failures(context, providers, metastoreInCode, kmsInCode, requireNames);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(AsherahOptions), failures);
        }
    }
}

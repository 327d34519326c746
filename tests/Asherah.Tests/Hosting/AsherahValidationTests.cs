using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static Asherah.Tests.Hosting.HostingTestSupport;

namespace Asherah.Tests.Hosting;

public class AsherahValidationTests
{
    [Fact]
    public void MissingIds_FailValidation_NamingBothKeysAndTheirVariables()
    {
        var failures = Failures(Minimal(("Asherah:ProductId", null), ("Asherah:ServiceId", " ")));

        Assert.Contains(failures, f => f.Contains("Asherah:ProductId", StringComparison.Ordinal) && f.Contains("ASHERAH_PRODUCT_NAME", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Asherah:ServiceId", StringComparison.Ordinal) && f.Contains("ASHERAH_SERVICE_NAME", StringComparison.Ordinal));
    }

    [Fact]
    public void AnUnknownMetastore_FailsValidation_ListingTheRegisteredNames()
    {
        var failure = Assert.Single(Failures(Minimal(("Asherah:Metastore", "rdbms"))));

        Assert.Contains("'rdbms'", failure);
        Assert.Contains("registered: memory", failure);
        Assert.Contains("AddSqliteMetastore", failure);
    }

    [Fact]
    public void AnUnknownKms_FailsValidation_ListingTheRegisteredNames()
    {
        var failure = Assert.Single(Failures(Minimal(("Asherah:Kms", "aws"))));

        Assert.Contains("'aws'", failure);
        Assert.Contains("registered: static", failure);
    }

    [Fact]
    public void NoMetastoreOrKms_FailsValidation_SayingHowToChooseOne()
    {
        var failures = Failures(Minimal(("Asherah:Metastore", null), ("Asherah:Kms", null)));

        Assert.Contains(failures, f => f.Contains("Asherah:Metastore", StringComparison.Ordinal) && f.Contains("ASHERAH_METASTORE_MODE", StringComparison.Ordinal) && f.Contains("UseMetastore", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Asherah:Kms", StringComparison.Ordinal) && f.Contains("ASHERAH_KMS_MODE", StringComparison.Ordinal));
    }

    [Fact]
    public void AStaticKeyThatIsNot32Bytes_FailsValidation_WithoutShowingTheKey()
    {
        const string key = "a-secret-that-is-too-short";

        var failure = Assert.Single(Failures(Minimal(("Asherah:StaticMasterKey", key))));

        Assert.Contains("Asherah:StaticMasterKey", failure);
        Assert.Contains("exactly 32 bytes", failure);
        Assert.DoesNotContain(key, failure);
    }

    [Fact]
    public void AStaticKmsWithoutAKey_FailsValidation()
    {
        var failure = Assert.Single(Failures(Minimal(("Asherah:StaticMasterKey", null))));

        Assert.Contains("Asherah:StaticMasterKeyFile", failure);
        Assert.Contains("ASHERAH_STATIC_MASTER_KEY", failure);
    }

    [Fact]
    public void AMissingKeyFile_FailsValidation_NamingTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "asherah-missing-" + Guid.NewGuid().ToString("N"));

        var failure = Assert.Single(Failures(Minimal(("Asherah:StaticMasterKey", null), ("Asherah:StaticMasterKeyFile", path))));

        Assert.Contains(path, failure);
        Assert.Contains("does not exist", failure);
    }

    [Fact]
    public void AKeyFileOfTheWrongLength_FailsValidation_WithoutShowingItsContent()
    {
        using var file = new TempFile();
        File.WriteAllText(file.Path, "secret-content-of-31-bytes-long");

        var failure = Assert.Single(Failures(Minimal(("Asherah:StaticMasterKey", null), ("Asherah:StaticMasterKeyFile", file.Path))));

        Assert.Contains("exactly 32 bytes", failure);
        Assert.DoesNotContain("secret-content", failure);
    }

    [Fact]
    public void AValueThatCannotBeParsed_IsReportedByValidation()
    {
        var failure = Assert.Single(Failures(Minimal(("Asherah:CheckInterval", "soon"))));

        Assert.Contains("Asherah:CheckInterval", failure);
    }

    [Fact]
    public async Task HostStart_FailsWithTheValidationMessages_WhenOptionsAreInvalid()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddConfiguration(Configuration(Minimal(("Asherah:Metastore", "nowhere"))));
        builder.Services.AddAsherah(builder.Configuration);
        using var host = builder.Build();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("'nowhere'", e.Message);
    }

    [Fact]
    public async Task HostStart_Succeeds_AndTheFactoryWorks_WhenOptionsAreValid()
    {
        // Development: memory and static are refused in Production (ProductionGuardTests).
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        var variables = new Dictionary<string, string>
        {
            ["ASHERAH_PRODUCT_NAME"] = "product",
            ["ASHERAH_SERVICE_NAME"] = "service",
            ["ASHERAH_METASTORE_MODE"] = "memory",
            ["ASHERAH_KMS_MODE"] = "static",
            ["ASHERAH_STATIC_MASTER_KEY"] = MasterKey,
        };
        builder.Configuration.AddAsherahEnvironmentVariables(n => variables.GetValueOrDefault(n));
        builder.Services.AddAsherah(builder.Configuration);
        using var host = builder.Build();

        await host.StartAsync();
        try
        {
            AssertRoundTrips(host.Services.GetRequiredService<SessionFactory>());
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static IReadOnlyList<string> Failures((string, string?)[] settings)
    {
        var services = new ServiceCollection();
        services.AddAsherah(Configuration(settings));
        using var provider = services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<SessionFactory>());
        return e.Failures.ToList();
    }
}

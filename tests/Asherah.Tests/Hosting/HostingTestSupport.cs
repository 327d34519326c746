using Microsoft.Extensions.Configuration;

namespace Asherah.Tests.Hosting;

/// <summary>Configurations built from dictionaries, so no test touches the process environment.</summary>
internal static class HostingTestSupport
{
    public const string MasterKey = TestFactories.MasterKey;

    /// <summary>An in-memory configuration; a later pair for the same key replaces an earlier one.</summary>
    public static IConfigurationRoot Configuration(params (string Key, string? Value)[] values)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in values)
        {
            data[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(data).Build();
    }

    /// <summary>A configuration whose only source is the given <c>ASHERAH_*</c> variables.</summary>
    public static IConfigurationRoot Variables(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return new ConfigurationBuilder().AddAsherahEnvironmentVariables(name => map.GetValueOrDefault(name)).Build();
    }

    /// <summary>The smallest working configuration: ids, memory metastore, static KMS.</summary>
    public static (string, string?)[] Minimal(params (string Key, string? Value)[] more) =>
    [
        ("Asherah:ProductId", "product"),
        ("Asherah:ServiceId", "service"),
        ("Asherah:Metastore", "memory"),
        ("Asherah:Kms", "static"),
        ("Asherah:StaticMasterKey", MasterKey),
        .. more,
    ];

    public static void AssertRoundTrips(SessionFactory factory)
    {
        using var session = factory.GetSessionBytes("tenant");
        byte[] payload = [1, 2, 3, 42];
        Assert.Equal(payload, session.Decrypt(session.Encrypt(payload)));
    }

    /// <summary>A temporary file that is deleted with the test.</summary>
    public sealed class TempFile : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "asherah-hosting-" + Guid.NewGuid().ToString("N"));

        public void Dispose() => File.Delete(Path);
    }
}

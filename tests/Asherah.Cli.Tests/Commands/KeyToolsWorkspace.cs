using System.Text;
using Asherah.Cli.Configuration;
using Asherah.Cli.Vectors;

namespace Asherah.Cli.Tests.Commands;

/// <summary>
/// A CLI data directory plus a library session factory over the same SQLite metastore and master key, with its own
/// clock: records written "an hour ago" have keys of an earlier minute, so a rotation now creates a new key whatever the
/// wall clock's second.
/// </summary>
public sealed class KeyToolsWorkspace : IDisposable
{
    public const string MasterKey = "thisIsAStaticMasterKeyForTesting";

    public KeyToolsWorkspace()
    {
        Cli = new CliRun();
        Cli.Environment["ASHERAH_STATIC_MASTER_KEY"] = MasterKey;
        MetastorePath = Path.Combine(Cli.DataDir, "metastore.db");
    }

    public CliRun Cli { get; }

    public string MetastorePath { get; }

    public string DataDir => Cli.DataDir;

    /// <summary>A factory over the CLI's metastore with the clock at <paramref name="now"/>; default the real clock.</summary>
    public SessionFactory Factory(DateTimeOffset? now = null)
    {
        var options = new AsherahOptions
        {
            ProductId = EnvironmentOptions.DefaultProduct,
            ServiceId = EnvironmentOptions.DefaultService,
            Metastore = "sqlite",
            ConnectionString = $"Data Source={MetastorePath};Pooling=False",
            Kms = "static",
            StaticMasterKey = MasterKey,
        };
        var builder = SessionFactoryBuilder.FromOptions(options, AsherahHost.Providers());
        if (now is { } time)
        {
            builder.WithTimeProvider(new ManualTimeProvider(time));
        }

        return builder.Build();
    }

    /// <summary>Encrypts <paramref name="count"/> payloads <c>{prefix}{i}</c> in <paramref name="partition"/>, an hour ago; returns the JSON lines.</summary>
    public string[] EncryptAnHourAgo(string partition, int count, string prefix = "payload-")
    {
        using var factory = Factory(DateTimeOffset.UtcNow.AddHours(-1));
        using var session = factory.GetSessionBytes(partition);
        return Enumerable.Range(0, count).Select(i => Encoding.UTF8.GetString(session.Encrypt(Encoding.UTF8.GetBytes(prefix + i)))).ToArray();
    }

    public void Dispose() => Cli.Dispose();
}

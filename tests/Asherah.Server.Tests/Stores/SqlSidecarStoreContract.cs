using Asherah.Tools.Hosting;

namespace Asherah.Server.Tests.Stores;

/// <summary>
/// <see cref="SidecarStoreContract"/> on a SQL server with the static KMS: the sidecar creates the table
/// (<c>--create-table</c>) from its canonical metastore settings, and the library opens the same table through the
/// sidecar's named metastore providers.
/// </summary>
public abstract class SqlSidecarStoreContract : SidecarStoreContract
{
    private const string MasterKey = "thisIsAStaticMasterKeyForTesting";

    /// <summary>The sidecar's <c>ASHERAH_METASTORE_MODE</c>.</summary>
    protected abstract string ServerMetastoreMode { get; }

    /// <summary>The sidecar's <c>ASHERAH_CONNECTION_STRING</c>.</summary>
    protected abstract string ServerConnectionString { get; }

    /// <summary>The library's metastore name (<see cref="ServerMetastores"/>).</summary>
    protected abstract string LibraryMetastore { get; }

    /// <summary>The library's connection string to the same database.</summary>
    protected abstract string LibraryConnectionString { get; }

    protected override string[] ServerArguments => ["--create-table"];

    protected override IReadOnlyDictionary<string, string?> ServerEnvironment() => new Dictionary<string, string?>
    {
        ["ASHERAH_METASTORE_MODE"] = ServerMetastoreMode,
        ["ASHERAH_CONNECTION_STRING"] = ServerConnectionString,
        ["ASHERAH_KMS_MODE"] = "static",
        ["ASHERAH_STATIC_MASTER_KEY"] = MasterKey,
    };

    protected override SessionFactory CreateLibraryFactory() =>
        SessionFactoryBuilder.FromOptions(
            new AsherahOptions
            {
                ProductId = Product,
                ServiceId = Service,
                Metastore = LibraryMetastore,
                ConnectionString = LibraryConnectionString,
                Kms = AsherahProviders.Static,
                StaticMasterKey = MasterKey,
            },
            new AsherahProviders().AddServerMetastores(createTable: false)).Build();
}

namespace Asherah.Cli.Configuration;

/// <summary>The resolved configuration of one invocation: command line, then environment, then embedded defaults.</summary>
/// <param name="Product">The product id.</param>
/// <param name="Service">The service id.</param>
/// <param name="Metastore">Where key records live.</param>
/// <param name="DataDirectory">Where the embedded defaults are created.</param>
/// <param name="SqlitePath">The SQLite metastore file.</param>
/// <param name="MasterKeyFile">The development master key file, used when no static master key is given.</param>
/// <param name="StaticMasterKey">An explicit static master key; never printed.</param>
internal sealed record CliSettings(
    string Product,
    string Service,
    MetastoreKind Metastore,
    string DataDirectory,
    string SqlitePath,
    string MasterKeyFile,
    string? StaticMasterKey)
{
    /// <summary>Keeps the master key out of logs and exception messages.</summary>
    public override string ToString() =>
        $"CliSettings {{ Product = {Product}, Service = {Service}, Metastore = {Metastore}, SqlitePath = {SqlitePath}, MasterKeyFile = {MasterKeyFile} }}";
}

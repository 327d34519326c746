namespace Asherah.Cli.Configuration;

/// <summary>The resolved configuration of one invocation: command line, then environment, then embedded defaults.</summary>
/// <param name="Options">
/// What the core's hosting layer builds from: ids, the metastore and KMS by name, the SQLite connection string, the
/// static master key or its file.
/// </param>
/// <param name="DataDirectory">Where the embedded defaults are created.</param>
/// <param name="SqlitePath">The SQLite metastore file as a full path; <see langword="null"/> for another metastore.</param>
/// <param name="CreateTable">Whether a server metastore creates its table before first use (<c>--create-table</c>).</param>
/// <param name="DynamoDb">The DynamoDB settings (table, region, endpoint, suffix) when the metastore is <c>dynamodb</c>.</param>
internal sealed record CliSettings(
    AsherahOptions Options,
    string DataDirectory,
    string? SqlitePath,
    bool CreateTable = false,
    Metastore.DynamoDb.DynamoDbMetastoreOptions? DynamoDb = null)
{
    /// <summary>
    /// The development key file the CLI creates on first use and announces as not for production: the static KMS's
    /// key file when no static master key is given, else <see langword="null"/>.
    /// </summary>
    public string? DevelopmentKeyFile =>
        string.Equals(Options.Kms, AsherahProviders.Static, StringComparison.OrdinalIgnoreCase) && string.IsNullOrEmpty(Options.StaticMasterKey)
            ? Options.StaticMasterKeyFile
            : null;

    /// <summary>Keeps the master key out of logs and exception messages.</summary>
    public override string ToString() =>
        $"CliSettings {{ Product = {Options.ProductId}, Service = {Options.ServiceId}, Metastore = {Options.Metastore}, SqlitePath = {SqlitePath}, CreateTable = {CreateTable}, Kms = {Options.Kms}, MasterKeyFile = {Options.StaticMasterKeyFile} }}";
}

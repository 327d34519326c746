using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Asherah.Metastore.DynamoDb;

/// <summary>Settings of a <see cref="DynamoDbMetastore"/>: its table, its region suffix, and how its client is made.</summary>
/// <remarks>
/// <para>
/// Defaults: table <c>EncryptionKey</c>, no region suffix. <see cref="Region"/> and <see cref="Endpoint"/> are read only
/// when this package creates the DynamoDB client (the <c>dynamodb</c> provider, or <c>UseDynamoDbMetastore</c> without
/// a client in the container); a client given in code keeps its own settings. Credentials always come from the AWS
/// SDK's standard chain (environment, shared profile, web identity, container or instance role).
/// </para>
/// <para>
/// The region suffix is what global tables need: with it every region writes its own system and intermediate keys
/// (<c>_SK_{service}_{product}_{suffix}</c>), so replication's last-writer-wins cannot clobber a key another region is
/// using, and each region still decrypts records written in the others. Set <see cref="RegionSuffix"/> to the region's
/// name, or <see cref="EnableRegionSuffix"/> to use the client's region as canonical Asherah does. The suffix is this
/// instance's setting (canonical C# keeps it in a static field, so the last metastore built wins; this one does not).
/// </para>
/// </remarks>
public sealed class DynamoDbMetastoreOptions
{
    /// <summary>The default table name: <c>EncryptionKey</c>, as canonical Asherah.</summary>
    public const string DefaultTableName = "EncryptionKey";

    private string _tableName = DefaultTableName;

    /// <summary>The table (hash key <c>Id</c> S, range key <c>Created</c> N).</summary>
    /// <remarks>
    /// Default <c>EncryptionKey</c>. DynamoDB table names are 3 to 255 characters of <c>a-z A-Z 0-9 _ - .</c>.
    /// Configuration key <c>Asherah:DynamoDbTableName</c>; environment <c>ASHERAH_DYNAMODB_TABLE_NAME</c>.
    /// </remarks>
    /// <exception cref="ArgumentException">The name is not a valid DynamoDB table name.</exception>
    public string TableName
    {
        get => _tableName;
        set
        {
            if (ValidateTableName(value) is { } problem)
            {
                throw new ArgumentException(problem, nameof(value));
            }

            _tableName = value;
        }
    }

    /// <summary>The region suffix appended to key ids, such as <c>us-west-2</c>; wins over <see cref="EnableRegionSuffix"/>.</summary>
    /// <remarks>Default none. An empty value means none. It must not contain <c>_</c> (the suffix is one token of the key id).</remarks>
    /// <exception cref="ArgumentException">The suffix contains <c>_</c>.</exception>
    public string? RegionSuffix
    {
        get;
        set
        {
            if (value is not null && value.Contains('_', StringComparison.Ordinal))
            {
                throw new ArgumentException($"The region suffix '{value}' contains '_'; it must be one token, such as a region name (us-west-2).", nameof(value));
            }

            field = string.IsNullOrEmpty(value) ? null : value;
        }
    }

    /// <summary>Whether the region suffix is the DynamoDB client's region (when <see cref="RegionSuffix"/> is not set).</summary>
    /// <remarks>
    /// Default <see langword="false"/>. The client's region is its <c>RegionEndpoint</c>, else its
    /// <c>AuthenticationRegion</c> (set with a custom endpoint); a client with neither is refused. Configuration key
    /// <c>Asherah:EnableRegionSuffix</c>; environment <c>ASHERAH_ENABLE_REGION_SUFFIX</c>.
    /// </remarks>
    public bool EnableRegionSuffix { get; set; }

    /// <summary>The AWS region of the client this package creates, such as <c>us-west-2</c>.</summary>
    /// <remarks>
    /// Default none: the SDK's chain (<c>AWS_REGION</c>, the shared profile, instance metadata). Configuration key
    /// <c>Asherah:DynamoDbRegion</c>; environment <c>ASHERAH_DYNAMODB_REGION</c>.
    /// </remarks>
    public string? Region { get; set; }

    /// <summary>The endpoint of the client this package creates, for DynamoDB Local, dynalite or a VPC endpoint.</summary>
    /// <remarks>
    /// Default none: the region's public endpoint. With an endpoint, requests are signed for <see cref="Region"/>; without
    /// one the SDK derives the signing region from the URL, and a region suffix takes the SDK chain's region.
    /// Configuration key <c>Asherah:DynamoDbEndpoint</c>; environment <c>ASHERAH_DYNAMODB_ENDPOINT</c>.
    /// </remarks>
    public string? Endpoint { get; set; }

    /// <summary>
    /// Reads the settings from an <c>Asherah</c> configuration section: <c>DynamoDbTableName</c>, <c>DynamoDbRegion</c>,
    /// <c>DynamoDbEndpoint</c> and <c>EnableRegionSuffix</c> (the keys the canonical server's
    /// <c>ASHERAH_DYNAMODB_*</c> and <c>ASHERAH_ENABLE_REGION_SUFFIX</c> variables set).
    /// </summary>
    /// <param name="section">The section; <see langword="null"/> gives the defaults.</param>
    /// <exception cref="InvalidOperationException">A value is malformed; the message names the key and its variable.</exception>
    public static DynamoDbMetastoreOptions FromConfiguration(IConfiguration? section)
    {
        var options = new DynamoDbMetastoreOptions();
        if (section is null)
        {
            return options;
        }

        if (Text(section, "DynamoDbTableName") is { } table)
        {
            if (ValidateTableName(table) is { } problem)
            {
                throw new InvalidOperationException($"{Describe(section, "DynamoDbTableName", "ASHERAH_DYNAMODB_TABLE_NAME")}: {problem}");
            }

            options.TableName = table;
        }

        options.Region = Text(section, "DynamoDbRegion");
        if (Text(section, "DynamoDbEndpoint") is { } endpoint)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new InvalidOperationException($"{Describe(section, "DynamoDbEndpoint", "ASHERAH_DYNAMODB_ENDPOINT")} is '{endpoint}', which is not an http:// or https:// URL.");
            }

            options.Endpoint = endpoint;
        }

        if (Text(section, "EnableRegionSuffix") is { } flag)
        {
            options.EnableRegionSuffix = flag.Trim().ToLowerInvariant() switch
            {
                "true" or "t" or "1" => true,
                "false" or "f" or "0" => false,
                _ => throw new InvalidOperationException($"{Describe(section, "EnableRegionSuffix", "ASHERAH_ENABLE_REGION_SUFFIX")} is '{flag}', which is not true or false."),
            };
        }

        return options;
    }

    /// <summary>A copy, so a metastore keeps the settings it was built with.</summary>
    internal DynamoDbMetastoreOptions Clone() => new()
    {
        _tableName = _tableName,
        RegionSuffix = RegionSuffix,
        EnableRegionSuffix = EnableRegionSuffix,
        Region = Region,
        Endpoint = Endpoint,
    };

    /// <summary>What is wrong with <paramref name="name"/> as a DynamoDB table name, or <see langword="null"/>.</summary>
    internal static string? ValidateTableName(string? name)
    {
        if (name is null || name.Length is < 3 or > 255)
        {
            return $"The DynamoDB table name '{name}' must be 3 to 255 characters long.";
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.'))
            {
                return $"The DynamoDB table name '{name}' may hold only a-z, A-Z, 0-9, '_', '-' and '.'.";
            }
        }

        return null;
    }

    private static string? Text(IConfiguration section, string key) =>
        section[key] is { Length: > 0 } value ? value : null;

    private static string Describe(IConfiguration section, string key, string variable) =>
        string.Create(CultureInfo.InvariantCulture, $"{(section is IConfigurationSection s ? s.Path + ":" : "")}{key} (environment {variable})");
}


namespace Asherah.Cli.Vectors;

/// <summary>What one generated vector file holds, before it is written.</summary>
/// <param name="Product">The product id of the factory that decrypts it.</param>
/// <param name="Service">The service id.</param>
/// <param name="StaticMasterKey">The static KMS master key (a public test key).</param>
/// <param name="RegionSuffix">The reader's metastore suffix, or null.</param>
/// <param name="Note">How the file was made.</param>
/// <param name="Metastore">Every key record the writer's metastore held.</param>
/// <param name="Cases">The records, each with its partition and payload.</param>
internal sealed record VectorContent(
    string Product,
    string Service,
    string StaticMasterKey,
    string? RegionSuffix,
    string Note,
    IReadOnlyList<StoredKeyRecord> Metastore,
    IReadOnlyList<GeneratedCase> Cases);

/// <summary>One record of a generated file.</summary>
/// <param name="Partition">The partition it was written in.</param>
/// <param name="Plaintext">The payload bytes.</param>
/// <param name="Drr">The data row record (UTF-8 JSON).</param>
internal sealed record GeneratedCase(string Partition, byte[] Plaintext, byte[] Drr);

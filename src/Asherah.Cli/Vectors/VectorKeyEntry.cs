
namespace Asherah.Cli.Vectors;

/// <summary>One metastore entry of a vector file.</summary>
/// <param name="Id">The key id (<c>_SK_...</c> or <c>_IK_...</c>).</param>
/// <param name="Created">The creation time it is stored under.</param>
/// <param name="Record">The stored key record.</param>
internal sealed record VectorKeyEntry(string Id, DateTimeOffset Created, EnvelopeKeyRecord Record);

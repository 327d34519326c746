namespace Asherah;

/// <summary>A key record with the id and creation time it is stored under.</summary>
/// <param name="KeyId">The key id.</param>
/// <param name="Created">The creation time it is stored under.</param>
/// <param name="Record">The record.</param>
public sealed record StoredKeyRecord(string KeyId, DateTimeOffset Created, EnvelopeKeyRecord Record);

namespace Asherah;

/// <summary>Identifies a key in the metastore: its id and its creation time.</summary>
/// <param name="KeyId">The key id, for example <c>_IK_user-1_service_product</c>.</param>
/// <param name="Created">When the key was created; whole seconds, stored as Unix seconds.</param>
public sealed record KeyMeta(string KeyId, DateTimeOffset Created);

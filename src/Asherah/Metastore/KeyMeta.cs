namespace Asherah;

/// <summary>Identifies a key in the metastore: its id and its creation time.</summary>
/// <param name="KeyId">The key id, for example <c>_IK_user-1_service_product</c>.</param>
/// <param name="Created">When the key was created; whole seconds, stored as Unix seconds.</param>
/// <exception cref="ArgumentNullException"><paramref name="KeyId"/> is null.</exception>
public sealed record KeyMeta(string KeyId, DateTimeOffset Created)
{
    private readonly string _keyId = KeyId ?? throw new ArgumentNullException(nameof(KeyId));

    /// <summary>The key id, for example <c>_IK_user-1_service_product</c>.</summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public string KeyId
    {
        get => _keyId;
        init => _keyId = value ?? throw new ArgumentNullException(nameof(KeyId));
    }
}

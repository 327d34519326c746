using Asherah.Metastore;

namespace Asherah;

/// <summary>
/// An encrypted key with its metadata: the value a metastore keeps for a system or intermediate key, and the
/// <c>Key</c> part of a data row record.
/// </summary>
/// <remarks>
/// JSON form (the compatibility contract):
/// <code>
/// ekr := {"Created": unix-seconds, "Key": b64(aead(key, parent)) [, "ParentKeyMeta": {"KeyId": id, "Created": unix-seconds}] [, "Revoked": bool]}
/// </code>
/// System key records have no <c>ParentKeyMeta</c>. A missing <c>Revoked</c> reads as <see langword="false"/>; this
/// library writes <c>"Revoked":false</c> for the keys it creates, as canonical C# and Java do.
/// </remarks>
public sealed class EnvelopeKeyRecord
{
    /// <summary>Creates a record.</summary>
    /// <param name="created">Creation time; sub-second parts are dropped.</param>
    /// <param name="encryptedKey">The encrypted key bytes (for AES-256-GCM wrapped keys, 60 bytes).</param>
    /// <param name="parentKeyMeta">The key that encrypted this one; <see langword="null"/> for system keys.</param>
    /// <param name="revoked">Whether the key is revoked; <see langword="null"/> when the record does not say.</param>
    public EnvelopeKeyRecord(DateTimeOffset created, ReadOnlyMemory<byte> encryptedKey, KeyMeta? parentKeyMeta, bool? revoked)
    {
        Created = DateTimeOffset.FromUnixTimeSeconds(created.ToUnixTimeSeconds());
        EncryptedKey = encryptedKey;
        ParentKeyMeta = parentKeyMeta;
        Revoked = revoked;
    }

    /// <summary>When the key was created (whole seconds).</summary>
    public DateTimeOffset Created { get; }

    /// <summary>The encrypted key.</summary>
    public ReadOnlyMemory<byte> EncryptedKey { get; }

    /// <summary>The key that encrypted this one, or <see langword="null"/> for a system key.</summary>
    public KeyMeta? ParentKeyMeta { get; }

    /// <summary>The <c>Revoked</c> flag as stored; <see langword="null"/> when absent.</summary>
    public bool? Revoked { get; }

    /// <summary>Whether the key is revoked (an absent flag means not revoked).</summary>
    public bool IsRevoked => Revoked == true;

    /// <summary>Returns a copy of this record with <c>Revoked</c> set.</summary>
    public EnvelopeKeyRecord WithRevoked(bool revoked) => new(Created, EncryptedKey, ParentKeyMeta, revoked);

    /// <summary>Serializes the record as compact UTF-8 JSON in the canonical field order.</summary>
    public byte[] ToUtf8Json() => KeyRecordJson.Write(this);

    /// <summary>Serializes the record as compact JSON text.</summary>
    public string ToJson() => System.Text.Encoding.UTF8.GetString(ToUtf8Json());

    /// <summary>Parses a record from UTF-8 JSON.</summary>
    /// <exception cref="FormatException">The JSON is not a well-formed key record.</exception>
    public static EnvelopeKeyRecord Parse(ReadOnlySpan<byte> utf8Json) => KeyRecordJson.Parse(utf8Json);

    /// <summary>Parses a record from JSON text.</summary>
    /// <exception cref="FormatException">The JSON is not a well-formed key record.</exception>
    public static EnvelopeKeyRecord Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return KeyRecordJson.Parse(System.Text.Encoding.UTF8.GetBytes(json));
    }
}

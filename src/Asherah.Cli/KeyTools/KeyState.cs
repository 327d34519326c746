using System.Text.Json;

namespace Asherah.Cli.KeyTools;

/// <summary>What the key tools report about one key: where it is stored, whether it exists, is revoked or expired.</summary>
/// <param name="KeyId">The key id.</param>
/// <param name="Created">The creation time it is stored (or looked up) under.</param>
/// <param name="Record">The stored record, or <see langword="null"/> when the metastore has none.</param>
/// <param name="Expired">Whether the configured policy calls the key expired now (meaningful only when it exists).</param>
internal sealed record KeyState(string KeyId, DateTimeOffset Created, EnvelopeKeyRecord? Record, bool Expired)
{
    public bool Exists => Record is not null;

    public bool Revoked => Record?.IsRevoked == true;

    /// <summary>Whether the next write would use it: it exists and is neither revoked nor expired.</summary>
    public bool UsableForWrite => Exists && !Revoked && !Expired;

    /// <summary>"system" for <c>_SK_</c> ids, "intermediate" for <c>_IK_</c>, else "unknown".</summary>
    public string Kind => Kinds.Of(KeyId);

    /// <summary>The key's state in a few words: "ok", "revoked", "expired", "revoked, expired" or "missing".</summary>
    public string Status => !Exists ? "missing" : (Revoked, Expired) switch
    {
        (true, true) => "revoked, expired",
        (true, false) => "revoked",
        (false, true) => "expired",
        _ => "ok",
    };

    /// <summary>Writes the members of the JSON object (the caller opens and closes it).</summary>
    /// <remarks>
    /// <code>key := "id": s, "kind": s, "created": iso8601, "createdUnix": n, "exists": b [, "revoked": b, "expired": b [, "parent": {"id": s, "created": iso8601, "createdUnix": n}]]</code>
    /// </remarks>
    public void WriteJsonMembers(Utf8JsonWriter writer)
    {
        writer.WriteString("id", KeyId);
        writer.WriteString("kind", Kind);
        writer.WriteString("created", KeyTime.Iso(Created));
        writer.WriteNumber("createdUnix", Created.ToUnixTimeSeconds());
        writer.WriteBoolean("exists", Exists);
        if (Record is null)
        {
            return;
        }

        writer.WriteBoolean("revoked", Revoked);
        writer.WriteBoolean("expired", Expired);
        if (Record.ParentKeyMeta is { } parent)
        {
            writer.WriteStartObject("parent");
            WriteMeta(writer, parent);
            writer.WriteEndObject();
        }
    }

    /// <summary>Writes <c>"id"</c>, <c>"created"</c> and <c>"createdUnix"</c> of a key reference.</summary>
    public static void WriteMeta(Utf8JsonWriter writer, KeyMeta meta)
    {
        writer.WriteString("id", meta.KeyId);
        writer.WriteString("created", KeyTime.Iso(meta.Created));
        writer.WriteNumber("createdUnix", meta.Created.ToUnixTimeSeconds());
    }
}

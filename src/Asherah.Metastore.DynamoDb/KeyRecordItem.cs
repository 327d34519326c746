using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace Asherah.Metastore.DynamoDb;

/// <summary>
/// The DynamoDB item of a key record, exactly as canonical Asherah writes it (C# <c>Document.FromJson</c> of the record's
/// JSON, Go and Java by hand):
/// <code>
/// item          := {"Id": S(key id), "Created": N(unix seconds), "KeyRecord": M(ekr)}
/// ekr           := {"Created": N(unix seconds), "Key": S(b64(encrypted key))
///                   [, "ParentKeyMeta": M{"KeyId": S(id), "Created": N(unix seconds)}] [, "Revoked": BOOL]}
/// </code>
/// <c>ParentKeyMeta</c> is absent for system keys. <c>Revoked</c> is written when the record has the flag (canonical C#
/// and Java write <c>false</c> for new keys; Go omits it when false); on read an absent or <c>NULL</c> one is no flag.
/// Reading is strict about types: anything else (a <c>KeyRecord</c> stored as a JSON string, a missing <c>Key</c>, a
/// <c>Created</c> that is not a whole number) is a malformed item, reported as a <see cref="MetastoreException"/>.
/// </summary>
internal static class KeyRecordItem
{
    public const string Id = "Id";
    public const string Created = "Created";
    public const string KeyRecord = "KeyRecord";
    private const string Key = "Key";
    private const string ParentKeyMeta = "ParentKeyMeta";
    private const string KeyId = "KeyId";
    private const string Revoked = "Revoked";

    /// <summary>The primary key of (<paramref name="keyId"/>, <paramref name="created"/>).</summary>
    public static Dictionary<string, AttributeValue> PrimaryKey(string keyId, DateTimeOffset created) => new(StringComparer.Ordinal)
    {
        [Id] = new AttributeValue { S = keyId },
        [Created] = Number(created),
    };

    /// <summary>The item that stores <paramref name="record"/> under (<paramref name="keyId"/>, <paramref name="created"/>).</summary>
    public static Dictionary<string, AttributeValue> ToItem(string keyId, DateTimeOffset created, EnvelopeKeyRecord record)
    {
        var item = PrimaryKey(keyId, created);
        item[KeyRecord] = new AttributeValue { M = ToMap(record) };
        return item;
    }

    /// <summary>The <c>KeyRecord</c> map of <paramref name="record"/>.</summary>
    public static Dictionary<string, AttributeValue> ToMap(EnvelopeKeyRecord record)
    {
        var map = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [Created] = Number(record.Created),
            [Key] = new AttributeValue { S = Convert.ToBase64String(record.EncryptedKey.Span) },
        };
        if (record.ParentKeyMeta is { } parent)
        {
            map[ParentKeyMeta] = new AttributeValue
            {
                M = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
                {
                    [KeyId] = new AttributeValue { S = parent.KeyId },
                    [Created] = Number(parent.Created),
                },
            };
        }

        if (record.Revoked is { } revoked)
        {
            map[Revoked] = new AttributeValue { BOOL = revoked };
        }

        return map;
    }

    /// <summary>Reads the <c>KeyRecord</c> attribute of an item whose key id is <paramref name="keyId"/>.</summary>
    /// <exception cref="MetastoreException">The attribute is missing or malformed.</exception>
    public static EnvelopeKeyRecord ReadRecord(string keyId, Dictionary<string, AttributeValue> item)
    {
        if (!item.TryGetValue(KeyRecord, out var value) || value is null)
        {
            throw Malformed(keyId, "it has no KeyRecord attribute");
        }

        if (value.M is not { } map)
        {
            throw Malformed(keyId, $"its KeyRecord is {TypeOf(value)}, not a map (M)");
        }

        var created = ReadSeconds(keyId, map, Created, "KeyRecord.Created");
        if (!map.TryGetValue(Key, out var key) || key?.S is not { } base64)
        {
            throw Malformed(keyId, $"its KeyRecord.Key is {TypeOf(key)}, not a base64 string (S)");
        }

        byte[] encryptedKey;
        try
        {
            encryptedKey = Convert.FromBase64String(base64);
        }
        catch (FormatException e)
        {
            throw Malformed(keyId, "its KeyRecord.Key is not valid base64", e);
        }

        KeyMeta? parent = null;
        if (map.TryGetValue(ParentKeyMeta, out var parentValue) && parentValue is not null && parentValue.NULL != true)
        {
            if (parentValue.M is not { } parentMap)
            {
                throw Malformed(keyId, $"its KeyRecord.ParentKeyMeta is {TypeOf(parentValue)}, not a map (M)");
            }

            if (!parentMap.TryGetValue(KeyId, out var parentId) || parentId?.S is not { Length: > 0 } parentKeyId)
            {
                throw Malformed(keyId, $"its KeyRecord.ParentKeyMeta.KeyId is {TypeOf(parentId)}, not a non-empty string (S)");
            }

            parent = new KeyMeta(parentKeyId, ReadSeconds(keyId, parentMap, Created, "KeyRecord.ParentKeyMeta.Created"));
        }

        bool? revoked = null;
        if (map.TryGetValue(Revoked, out var revokedValue) && revokedValue is not null && revokedValue.NULL != true)
        {
            revoked = revokedValue.BOOL ?? throw Malformed(keyId, $"its KeyRecord.Revoked is {TypeOf(revokedValue)}, not a boolean (BOOL)");
        }

        return new EnvelopeKeyRecord(created, encryptedKey, parent, revoked);
    }

    /// <summary>Reads the <c>Id</c> and <c>Created</c> attributes of a scanned item.</summary>
    /// <exception cref="MetastoreException">Either is missing or malformed.</exception>
    public static (string KeyId, DateTimeOffset Created) ReadPrimaryKey(Dictionary<string, AttributeValue> item)
    {
        if (!item.TryGetValue(Id, out var id) || id?.S is not { } keyId)
        {
            throw new MetastoreException($"The DynamoDB metastore holds an item whose Id is {TypeOf(id)}, not a string (S).");
        }

        return (keyId, ReadSeconds(keyId, item, Created, "Created"));
    }

    private static AttributeValue Number(DateTimeOffset time) =>
        new() { N = time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) };

    private static DateTimeOffset ReadSeconds(string keyId, Dictionary<string, AttributeValue> map, string name, string path)
    {
        if (!map.TryGetValue(name, out var value) || value?.N is not { } text)
        {
            throw Malformed(keyId, $"its {path} is {TypeOf(value)}, not a number (N)");
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long seconds)
            || seconds < DateTimeOffset.MinValue.ToUnixTimeSeconds() || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            throw Malformed(keyId, $"its {path} is {text}, not a whole number of Unix seconds");
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }

    /// <summary>The DynamoDB type of <paramref name="value"/>, for messages (never its content, which may be key material).</summary>
    private static string TypeOf(AttributeValue? value) => value switch
    {
        null => "missing",
        { S: not null } => "a string (S)",
        { N: not null } => "a number (N)",
        { B: not null } => "binary (B)",
        { BOOL: not null } => "a boolean (BOOL)",
        { NULL: true } => "NULL",
        { M: not null } => "a map (M)",
        { L: not null } => "a list (L)",
        { SS: not null } or { NS: not null } or { BS: not null } => "a set",
        _ => "of no known type",
    };

    private static MetastoreException Malformed(string keyId, string problem, Exception? inner = null) =>
        new($"The DynamoDB metastore holds a malformed key record for '{keyId}': {problem}.", inner);
}

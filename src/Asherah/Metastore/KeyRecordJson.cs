using System.Buffers.Text;
using System.Text.Json;
using Asherah.Internal;

namespace Asherah.Metastore;

/// <summary>Reads and writes <see cref="EnvelopeKeyRecord"/> JSON.</summary>
/// <remarks>
/// <code>
/// ekr  := {"Created": n, "Key": b64 [, "ParentKeyMeta": meta] [, "Revoked": bool]}
/// meta := {"KeyId": string, "Created": n}
/// </code>
/// Readers accept any field order, whitespace, unknown fields and JSON escapes; <c>Created</c> must be a number whose
/// value is an integer number of seconds that a <see cref="DateTimeOffset"/> can hold, in any notation
/// (<see cref="JsonSeconds"/>); <c>Key</c> is standard base64, white space inside and missing padding tolerated
/// (<see cref="Base64Text"/>); no known member may appear twice.
/// </remarks>
internal static class KeyRecordJson
{
    public static byte[] Write(EnvelopeKeyRecord record)
    {
        long created = record.Created.ToUnixTimeSeconds();
        int keyB64 = Base64.GetMaxEncodedToUtf8Length(record.EncryptedKey.Length);
        int size = 64 + JsonText.Int64Length(created) + keyB64;
        if (record.ParentKeyMeta is { } parent)
        {
            size += 48 + JsonText.EscapedLength(parent.KeyId) + JsonText.Int64Length(parent.Created.ToUnixTimeSeconds());
        }

        var buffer = new byte[size];
        Span<byte> d = buffer;
        int n = JsonText.WriteAscii("{\"Created\":"u8, d);
        n += JsonText.WriteInt64(created, d[n..]);
        n += JsonText.WriteAscii(",\"Key\":\""u8, d[n..]);
        Base64.EncodeToUtf8(record.EncryptedKey.Span, d[n..], out _, out int b64);
        n += b64;
        d[n++] = (byte)'"';
        if (record.ParentKeyMeta is { } meta)
        {
            n += JsonText.WriteAscii(",\"ParentKeyMeta\":{\"KeyId\":\""u8, d[n..]);
            n += JsonText.WriteEscaped(meta.KeyId, d[n..]);
            n += JsonText.WriteAscii("\",\"Created\":"u8, d[n..]);
            n += JsonText.WriteInt64(meta.Created.ToUnixTimeSeconds(), d[n..]);
            d[n++] = (byte)'}';
        }

        if (record.Revoked is { } revoked)
        {
            n += JsonText.WriteAscii(revoked ? ",\"Revoked\":true"u8 : ",\"Revoked\":false"u8, d[n..]);
        }

        d[n++] = (byte)'}';
        return buffer.AsSpan(0, n).ToArray();
    }

    public static EnvelopeKeyRecord Parse(ReadOnlySpan<byte> utf8Json)
    {
        // A UTF-8 byte order mark is dropped, as canonical C#'s StreamReader does.
        if (utf8Json.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..];
        }

        try
        {
            // 64, Newtonsoft's default, so unknown members canonical C# reads are read here too.
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 64 });
            var record = ReadRecord(ref reader);
            if (reader.Read())
            {
                throw new FormatException("Trailing data after the key record.");
            }

            return record;
        }
        catch (JsonException e)
        {
            throw new FormatException("The key record is not valid JSON.", e);
        }
        catch (InvalidOperationException e)
        {
            // A string the reader cannot unescape (a lone surrogate in \u escapes).
            throw new FormatException("The key record has an invalid string.", e);
        }
    }

    /// <summary>Reads one key record object; the reader is positioned before it (or on its start token).</summary>
    internal static EnvelopeKeyRecord ReadRecord(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject && (!reader.Read() || reader.TokenType != JsonTokenType.StartObject))
        {
            throw new FormatException("A key record must be a JSON object.");
        }

        long? created = null;
        byte[]? key = null;
        KeyMeta? parent = null;
        bool? revoked = null;
        Seen seen = Seen.None;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("Created"u8))
            {
                Once(ref seen, Seen.Created);
                created = ReadSeconds(ref reader);
            }
            else if (reader.ValueTextEquals("Key"u8))
            {
                Once(ref seen, Seen.Key);
                key = ReadBase64(ref reader);
            }
            else if (reader.ValueTextEquals("ParentKeyMeta"u8))
            {
                Once(ref seen, Seen.ParentKeyMeta);
                parent = ReadKeyMeta(ref reader);
            }
            else if (reader.ValueTextEquals("Revoked"u8))
            {
                Once(ref seen, Seen.Revoked);
                reader.Read();
                revoked = reader.TokenType switch
                {
                    JsonTokenType.True => true,
                    JsonTokenType.False => false,
                    JsonTokenType.Null => null,
                    _ => throw new FormatException("Revoked must be a boolean."),
                };
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new FormatException("Unterminated key record.");
        }

        if (created is null || key is null)
        {
            throw new FormatException("A key record needs Created and Key.");
        }

        return new EnvelopeKeyRecord(UnixTime.FromSeconds(created.Value), key, parent, revoked);
    }

    private static KeyMeta? ReadKeyMeta(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new FormatException("ParentKeyMeta must be an object.");
        }

        string? id = null;
        long? created = null;
        Seen seen = Seen.None;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("KeyId"u8))
            {
                Once(ref seen, Seen.KeyId);
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw new FormatException("KeyId must be a string.");
                }

                id = reader.GetString();
            }
            else if (reader.ValueTextEquals("Created"u8))
            {
                Once(ref seen, Seen.Created);
                created = ReadSeconds(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (id is null || created is null)
        {
            throw new FormatException("ParentKeyMeta needs KeyId and Created.");
        }

        return new KeyMeta(id, UnixTime.FromSeconds(created.Value));
    }

    /// <summary>Marks a member as read; a second occurrence is refused (readers disagree on which one wins).</summary>
    private static void Once(ref Seen seen, Seen member)
    {
        if ((seen & member) != 0)
        {
            throw new FormatException("A key record member appears more than once.");
        }

        seen |= member;
    }

    internal static long ReadSeconds(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (!JsonSeconds.TryGetExact(ref reader, out long seconds))
        {
            throw new FormatException("Created must be an integer number of Unix seconds.");
        }

        return seconds;
    }

    private static byte[] ReadBase64(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new FormatException("Key must be a base64 string.");
        }

        ReadOnlySpan<byte> raw = reader.ValueIsEscaped ? System.Text.Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;
        var text = Base64Text.Normalize(raw);
        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(text.Length)];
        if (Base64.DecodeFromUtf8(text, bytes, out int consumed, out int written) != System.Buffers.OperationStatus.Done
            || consumed != text.Length)
        {
            throw new FormatException("Key must be a base64 string.");
        }

        return bytes.AsSpan(0, written).ToArray();
    }

    [Flags]
    private enum Seen
    {
        None = 0,
        Created = 1,
        Key = 2,
        ParentKeyMeta = 4,
        Revoked = 8,
        KeyId = 16,
    }
}

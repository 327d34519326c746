using System.Buffers.Text;
using System.Buffers;
using System.Text.Json;
using Asherah.Errors;
using Asherah.Internal;

namespace Asherah.Envelope;

/// <summary>The parts of a data row record, as slices of the input where possible.</summary>
internal ref struct DataRowRecordView
{
    public long KeyCreated;
    public ReadOnlySpan<byte> WrappedKey;
    public ReadOnlySpan<byte> IntermediateKeyId;
    public long IntermediateKeyCreated;
    public ReadOnlySpan<byte> Data;
    public bool HasParentKeyMeta;
}

/// <summary>
/// Parses data row record JSON with <see cref="Utf8JsonReader"/>: what the canonical readers accept, within the formats.
/// </summary>
/// <remarks>
/// <code>
/// accepted := [UTF-8 BOM] ws drr ws      any member order, white space, unknown members nested up to 64 levels
/// strings  := JSON escapes allowed anywhere (\/, \u002B in base64; \u005F in key ids)
/// base64   := standard alphabet; white space inside and missing final padding tolerated (<see cref="Base64Text"/>)
/// times    := numbers of integer value in any notation (<see cref="JsonSeconds"/>); the data row key's own time may
///             have a fraction (no decryption depends on it)
/// </code>
/// Refused: a known member twice (canonical readers disagree on which one wins), string or out-of-range times,
/// trailing data, the URL-safe alphabet.
/// </remarks>
internal static class DataRowRecordReader
{
    // 64: Newtonsoft's default, so unknown members canonical C# reads are read here too; the reader is not recursive.
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 64 };

    private static readonly SearchValues<byte> Base64Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="u8);

    /// <summary>
    /// Parses a record written exactly in the compact canonical layout for <paramref name="keyId"/> (what this library
    /// and canonical C# write) without a JSON reader; <see langword="false"/> for anything else, which the caller then
    /// hands to <see cref="Parse"/>. It accepts only text that is valid JSON of the record's shape.
    /// </summary>
    public static bool TryParseCompact(ReadOnlySpan<byte> json, ReadOnlySpan<byte> keyId, out DataRowRecordView view)
    {
        view = default;
        var rest = json;
        if (!Skip(ref rest, DataRowRecordFormat.Head) || !SkipInteger(ref rest, out view.KeyCreated)
            || !Skip(ref rest, DataRowRecordFormat.KeyField) || !TakeBase64(ref rest, out view.WrappedKey)
            || !Skip(ref rest, DataRowRecordFormat.ParentKeyIdField) || !Skip(ref rest, keyId)
            || !Skip(ref rest, DataRowRecordFormat.ParentCreatedField) || !SkipInteger(ref rest, out view.IntermediateKeyCreated)
            || !Skip(ref rest, DataRowRecordFormat.DataField) || !TakeBase64(ref rest, out view.Data)
            || !Skip(ref rest, DataRowRecordFormat.End) || !rest.IsEmpty || !UnixTime.IsRepresentable(view.IntermediateKeyCreated)
            || view.Data.Length % 4 != 0)
        {
            view = default;
            return false;
        }

        view.IntermediateKeyId = keyId;
        view.HasParentKeyMeta = true;
        return true;
    }

    private static bool Skip(ref ReadOnlySpan<byte> rest, ReadOnlySpan<byte> literal)
    {
        if (!rest.StartsWith(literal))
        {
            return false;
        }

        rest = rest[literal.Length..];
        return true;
    }

    // A JSON integer without sign or leading zeros, small enough for a long and a DateTimeOffset.
    private static bool SkipInteger(ref ReadOnlySpan<byte> rest, out long value)
    {
        int digits = rest.IndexOfAnyExceptInRange((byte)'0', (byte)'9');
        if (digits is <= 0 or > 12 || (digits > 1 && rest[0] == (byte)'0')
            || !Utf8Parser.TryParse(rest[..digits], out value, out int consumed) || consumed != digits)
        {
            value = 0;
            return false;
        }

        rest = rest[digits..];
        return true;
    }

    // The body of a JSON string made only of base64 characters (so it has no escapes); leaves the closing quote.
    private static bool TakeBase64(scoped ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> value)
    {
        int end = rest.IndexOfAnyExcept(Base64Alphabet);
        if (end < 0 || rest[end] != (byte)'"')
        {
            value = default;
            return false;
        }

        value = rest[..end];
        rest = rest[end..];
        return true;
    }

    /// <summary>Parses <paramref name="json"/>; throws <see cref="DecryptionFailedException"/> when it is malformed.</summary>
    public static DataRowRecordView Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            return ParseCore(json);
        }
        catch (JsonException)
        {
            throw Error.MalformedDataRowRecord();
        }
        catch (InvalidOperationException)
        {
            throw Error.MalformedDataRowRecord();
        }
    }

    private static DataRowRecordView ParseCore(ReadOnlySpan<byte> json)
    {
        // Canonical C# reads through a StreamReader, which drops a UTF-8 byte order mark.
        if (json.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }

        var view = default(DataRowRecordView);
        var reader = new Utf8JsonReader(json, Options);
        Expect(ref reader, JsonTokenType.StartObject);
        bool haveKey = false, haveData = false;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("Key"u8))
            {
                Once(ref haveKey);
                ReadKey(ref reader, ref view);
            }
            else if (reader.ValueTextEquals("Data"u8))
            {
                Once(ref haveData);
                view.Data = Base64Text.Normalize(ReadString(ref reader));
            }
            else
            {
                Skip(ref reader);
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || !haveKey || !haveData)
        {
            throw Error.MalformedDataRowRecord();
        }

        return view;
    }

    private static void ReadKey(ref Utf8JsonReader reader, ref DataRowRecordView view)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        bool haveCreated = false, haveKey = false, haveParent = false;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("Created"u8))
            {
                Once(ref haveCreated);
                Next(ref reader);
                if (!JsonSeconds.TryGetFloor(ref reader, out view.KeyCreated))
                {
                    throw Error.MalformedDataRowRecord();
                }
            }
            else if (reader.ValueTextEquals("Key"u8))
            {
                Once(ref haveKey);
                view.WrappedKey = Base64Text.Normalize(ReadString(ref reader));
            }
            else if (reader.ValueTextEquals("ParentKeyMeta"u8))
            {
                Once(ref haveParent);
                ReadParentKeyMeta(ref reader, ref view);
            }
            else
            {
                Skip(ref reader);
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || !haveCreated || !haveKey)
        {
            throw Error.MalformedDataRowRecord();
        }
    }

    private static void ReadParentKeyMeta(ref Utf8JsonReader reader, ref DataRowRecordView view)
    {
        if (Next(ref reader) == JsonTokenType.Null)
        {
            view.HasParentKeyMeta = false;
            return;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Error.MalformedDataRowRecord();
        }

        bool haveId = false, haveCreated = false;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("KeyId"u8))
            {
                Once(ref haveId);
                view.IntermediateKeyId = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("Created"u8))
            {
                Once(ref haveCreated);
                Next(ref reader);
                if (!JsonSeconds.TryGetExact(ref reader, out view.IntermediateKeyCreated))
                {
                    throw Error.MalformedDataRowRecord();
                }
            }
            else
            {
                Skip(ref reader);
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || !haveId || !haveCreated)
        {
            throw Error.MalformedDataRowRecord();
        }

        view.HasParentKeyMeta = true;
    }

    /// <summary>Marks a member as read; a second occurrence makes the record malformed (readers disagree on which wins).</summary>
    private static void Once(ref bool seen)
    {
        if (seen)
        {
            throw Error.MalformedDataRowRecord();
        }

        seen = true;
    }

    private static ReadOnlySpan<byte> ReadString(scoped ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.String);
        return reader.ValueIsEscaped ? DataRowRecordFormat.Unescape(reader.GetString()!) : reader.ValueSpan;
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw Error.MalformedDataRowRecord();
        }

        return reader.TokenType;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (Next(ref reader) != type)
        {
            throw Error.MalformedDataRowRecord();
        }
    }

    private static void Skip(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        reader.Skip();
    }
}

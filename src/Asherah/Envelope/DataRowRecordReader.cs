using System.Text.Json;
using Asherah.Internal;

namespace Asherah.Envelope;

/// <summary>The parts of a data row record, as slices of the input where possible.</summary>
internal ref struct DataRowRecordView
{
    public ReadOnlySpan<byte> WrappedKey;
    public ReadOnlySpan<byte> IntermediateKeyId;
    public long IntermediateKeyCreated;
    public ReadOnlySpan<byte> Data;
    public bool HasParentKeyMeta;
}

/// <summary>Parses data row record JSON with <see cref="Utf8JsonReader"/>: any field order, whitespace, unknown fields.</summary>
internal static class DataRowRecordReader
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 16 };

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
        var view = default(DataRowRecordView);
        var reader = new Utf8JsonReader(json, Options);
        Expect(ref reader, JsonTokenType.StartObject);
        bool haveKey = false, haveData = false;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("Key"u8))
            {
                ReadKey(ref reader, ref view);
                haveKey = true;
            }
            else if (reader.ValueTextEquals("Data"u8))
            {
                view.Data = ReadString(ref reader);
                haveData = true;
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
        bool haveCreated = false, haveKey = false;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("Created"u8))
            {
                Expect(ref reader, JsonTokenType.Number);
                haveCreated = true;
            }
            else if (reader.ValueTextEquals("Key"u8))
            {
                view.WrappedKey = ReadString(ref reader);
                haveKey = true;
            }
            else if (reader.ValueTextEquals("ParentKeyMeta"u8))
            {
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
                view.IntermediateKeyId = ReadString(ref reader);
                haveId = true;
            }
            else if (reader.ValueTextEquals("Created"u8))
            {
                Expect(ref reader, JsonTokenType.Number);
                if (!reader.TryGetInt64(out view.IntermediateKeyCreated) || !UnixTime.IsRepresentable(view.IntermediateKeyCreated))
                {
                    throw Error.MalformedDataRowRecord();
                }

                haveCreated = true;
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

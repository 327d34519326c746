using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Asherah.Envelope;
using Asherah.Internal;

namespace Asherah;

/// <summary>
/// The parts of a data row record (DRR): the wrapped data row key with its metadata, and the encrypted data. For
/// mapping records to other encodings (the sidecar's protobuf messages) and for inspecting them; sessions read and
/// write the JSON form themselves.
/// </summary>
/// <remarks>
/// <code>
/// drr := {"Key":{"Created":drk-created,"Key":"b64(aead(drk, ik))","ParentKeyMeta":{"KeyId":"ik-id","Created":ik-created}},"Data":"b64(aead(payload, drk))"}
/// </code>
/// <see cref="Parse"/> accepts what canonical Asherah writes (any field order, whitespace, unknown fields) and decodes
/// both base64 values into one array; <see cref="ToUtf8Json"/> writes the compact canonical layout. Parsing checks the
/// shape only: whether the record belongs to a partition, and whether it authenticates, is for a session to decide.
/// </remarks>
public sealed class DataRowRecord
{
    /// <summary>Creates a record from its parts.</summary>
    /// <param name="key">The wrapped data row key; its <see cref="EnvelopeKeyRecord.ParentKeyMeta"/> names the intermediate key.</param>
    /// <param name="data">The encrypted payload: <c>ciphertext || tag(16) || nonce(12)</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="key"/> has no parent key metadata.</exception>
    public DataRowRecord(EnvelopeKeyRecord key, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.ParentKeyMeta is null)
        {
            throw new ArgumentException("A data row record's key must name its intermediate key (ParentKeyMeta).", nameof(key));
        }

        Key = key;
        Data = data;
    }

    /// <summary>The data row key, encrypted by the intermediate key <see cref="EnvelopeKeyRecord.ParentKeyMeta"/>.</summary>
    public EnvelopeKeyRecord Key { get; }

    /// <summary>The intermediate key that encrypted the data row key.</summary>
    public KeyMeta IntermediateKey => Key.ParentKeyMeta!;

    /// <summary>The encrypted payload: <c>ciphertext || tag(16) || nonce(12)</c>.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Parses a record from its UTF-8 JSON.</summary>
    /// <exception cref="FormatException">The JSON is not a well-formed data row record.</exception>
    public static DataRowRecord Parse(ReadOnlySpan<byte> utf8Json) =>
        TryParse(utf8Json, out var record) ? record : throw new FormatException("The data row record is not a well-formed Asherah record.");

    /// <summary>Parses a record from its UTF-8 JSON; <see langword="false"/> when it is not a well-formed data row record.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, [NotNullWhen(true)] out DataRowRecord? record)
    {
        record = null;
        DataRowRecordView view;
        try
        {
            view = DataRowRecordReader.Parse(utf8Json);
        }
        catch (DecryptionFailedException)
        {
            return false;
        }

        int keyLength = DataRowRecordFormat.DecodedLength(view.WrappedKey);
        int dataLength = DataRowRecordFormat.DecodedLength(view.Data);
        if (!view.HasParentKeyMeta || keyLength < 0 || dataLength < 0 || !UnixTime.IsRepresentable(view.KeyCreated))
        {
            return false;
        }

        // One array for both values: the key first, then the data.
        var bytes = GC.AllocateUninitializedArray<byte>(keyLength + dataLength);
        if (!TryDecode(view.WrappedKey, bytes.AsSpan(0, keyLength)) || !TryDecode(view.Data, bytes.AsSpan(keyLength)))
        {
            return false;
        }

        string keyId;
        try
        {
            keyId = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(view.IntermediateKeyId);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var parent = new KeyMeta(keyId, DateTimeOffset.FromUnixTimeSeconds(view.IntermediateKeyCreated));
        var key = new EnvelopeKeyRecord(DateTimeOffset.FromUnixTimeSeconds(view.KeyCreated), bytes.AsMemory(0, keyLength), parent, revoked: null);
        record = new DataRowRecord(key, bytes.AsMemory(keyLength));
        return true;
    }

    /// <summary>Length of <see cref="ToUtf8Json"/>'s result.</summary>
    public int GetJsonLength() =>
        DataRowRecordFormat.Length(Key.EncryptedKey.Length, Data.Length, Key.Created.ToUnixTimeSeconds(), KeyTail().Length);

    /// <summary>Writes the compact JSON into <paramref name="destination"/>; <see langword="false"/> when it is too small.</summary>
    public bool TryWriteUtf8Json(Span<byte> destination, out int bytesWritten)
    {
        var tail = KeyTail();
        long created = Key.Created.ToUnixTimeSeconds();
        if (destination.Length < DataRowRecordFormat.Length(Key.EncryptedKey.Length, Data.Length, created, tail.Length))
        {
            bytesWritten = 0;
            return false;
        }

        bytesWritten = DataRowRecordFormat.Write(destination, created, Key.EncryptedKey.Span, tail, Data.Span);
        return true;
    }

    /// <summary>The compact UTF-8 JSON of the record, as sessions write it.</summary>
    public byte[] ToUtf8Json()
    {
        var json = new byte[GetJsonLength()];
        TryWriteUtf8Json(json, out _);
        return json;
    }

    private byte[] KeyTail() => DataRowRecordFormat.BuildKeyTail(IntermediateKey.KeyId, IntermediateKey.Created.ToUnixTimeSeconds());

    private static bool TryDecode(ReadOnlySpan<byte> base64, Span<byte> destination) =>
        Base64.DecodeFromUtf8(base64, destination, out int consumed, out int written) == OperationStatus.Done
        && consumed == base64.Length && written == destination.Length;
}

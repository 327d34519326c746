using Google.Protobuf;

namespace Asherah.Server.Protocol;

/// <summary>
/// Maps the protobuf data row record to the library's <see cref="Asherah.DataRowRecord"/> and back, field for field:
/// <code>
/// proto: DataRowRecord{key: EnvelopeKeyRecord{created, key: bytes, parent_key_meta: KeyMeta{created, key_id}}, data: bytes}
/// json:  {"Key":{"Created":created,"Key":b64(key),"ParentKeyMeta":{"KeyId":key_id,"Created":created}},"Data":b64(data)}
/// </code>
/// Times are Unix seconds in both. The bytes of a record the library wrote are wrapped, not copied.
/// </summary>
internal static class ProtoRecords
{
    /// <summary>The protobuf form of a record the library wrote.</summary>
    public static DataRowRecord ToProto(Asherah.DataRowRecord record) => new()
    {
        Data = UnsafeByteOperations.UnsafeWrap(record.Data),
        Key = new EnvelopeKeyRecord
        {
            Created = record.Key.Created.ToUnixTimeSeconds(),
            Key = UnsafeByteOperations.UnsafeWrap(record.Key.EncryptedKey),
            ParentKeyMeta = new KeyMeta
            {
                Created = record.IntermediateKey.Created.ToUnixTimeSeconds(),
                KeyId = record.IntermediateKey.KeyId,
            },
        },
    };

    /// <summary>
    /// The library's form of a record a client sent, or <see langword="null"/> with <paramref name="error"/> saying
    /// which part is missing or out of range (the record is never echoed).
    /// </summary>
    public static Asherah.DataRowRecord? FromProto(DataRowRecord? record, out string? error)
    {
        if (record?.Key is not { } key)
        {
            error = "the data row record has no key";
            return null;
        }

        if (key.ParentKeyMeta is not { } parent)
        {
            error = "the data row record's key has no parent_key_meta";
            return null;
        }

        if (!TryTime(key.Created, out var created) || !TryTime(parent.Created, out var parentCreated))
        {
            error = "the data row record's created time is out of range";
            return null;
        }

        error = null;
        var envelope = new Asherah.EnvelopeKeyRecord(created, key.Key.Memory, new Asherah.KeyMeta(parent.KeyId, parentCreated), revoked: null);
        return new Asherah.DataRowRecord(envelope, record.Data.Memory);
    }

    private static bool TryTime(long unixSeconds, out DateTimeOffset time)
    {
        if (unixSeconds < DateTimeOffset.MinValue.ToUnixTimeSeconds() || unixSeconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            time = default;
            return false;
        }

        time = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        return true;
    }
}

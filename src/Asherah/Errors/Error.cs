namespace Asherah.Errors;

/// <summary>Builds the exceptions Asherah throws, so their messages stay consistent and never carry secrets.</summary>
internal static class Error
{
    // One message for every authentication failure: callers must not learn which check failed.
    private const string DecryptionFailedMessage = "The data row record could not be decrypted.";

    public static DecryptionFailedException DecryptionFailed() => new(DecryptionFailedMessage);

    public static DecryptionFailedException MalformedDataRowRecord() =>
        new("The data row record is not a well-formed Asherah record.");

    public static MetadataMissingException ForeignPartition() =>
        new("The data row record's intermediate key does not belong to this session's partition.");

    /// <summary>Ids in messages are cut to this many characters: they come from records and metastores, so any length.</summary>
    public const int MaxIdLength = 100;

    public static MetadataMissingException KeyNotFound(string keyId, long created) =>
        new($"Could not find key record with id '{Id(keyId)}' created at {created}.");

    public static MetadataMissingException ForeignParentKey(string keyId, long created) =>
        new($"Could not find key record with id '{Id(keyId)}' created at {created} under this factory's system key.");

    public static MetadataMissingException ParentKeyMetaMissing(string keyId) =>
        new($"The key record '{Id(keyId)}' has no parent key metadata.");

    public static MetadataMissingException KeyNotPresentAfterRetry(string keyId) =>
        new($"The key '{Id(keyId)}' was not present after a concurrent writer stored it.");

    /// <summary>A custom metastore failed with an exception of its own (not an <see cref="AsherahException"/>).</summary>
    public static MetastoreException MetastoreFailed(Exception innerException) =>
        new("The metastore failed to load or store a key record.", innerException, isTransient: false);

    /// <summary>An id as shown in a message: whole up to <see cref="MaxIdLength"/> characters, else its start and its length.</summary>
    internal static string Id(string id)
    {
        if (id.Length <= MaxIdLength)
        {
            return id;
        }

        int cut = char.IsHighSurrogate(id[MaxIdLength - 1]) ? MaxIdLength - 1 : MaxIdLength;
        return $"{id.AsSpan(0, cut)}…({id.Length} chars)";
    }

    public static ArgumentOutOfRangeException PayloadTooLarge(long payloadLength, int maxPayloadLength, string paramName = "payload") =>
        new(paramName, payloadLength, $"A payload may hold at most {maxPayloadLength} bytes.");

    public static ArgumentException RecordTooLarge(string paramName = "payload") =>
        new("The record for this payload and partition id would not fit in a byte array.", paramName);

    public static ArgumentException EmptyPartition(string paramName) =>
        new("A partition id must be a non-empty string.", paramName);

    public static ArgumentException WhitespacePartition(string paramName) =>
        new("A partition id must not be only white space.", paramName);

    public static ArgumentException IllFormedId(string kind, string paramName) =>
        new($"A {kind} id must be well-formed UTF-16 (no unpaired surrogates): two ill-formed ids can encode to the same key id.", paramName);
}

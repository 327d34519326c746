using System.Buffers.Text;
using System.Text;
using Asherah.Crypto;
using Asherah.Internal;

namespace Asherah.Envelope;

/// <summary>The data row record layout: its literals, lengths and writer, without reflection or intermediate strings.</summary>
/// <remarks>
/// <code>
/// drr      := head drk-created key-field b64(aead(drk, ik)) key-tail b64(aead(payload, drk)) end
/// head     := {"Key":{"Created":
/// key-field:= ,"Key":"
/// key-tail := ","ParentKeyMeta":{"KeyId":" ik-id ","Created": ik-created }},"Data":"
/// end      := "}
/// </code>
/// which reads as <c>{"Key":{"Created":s,"Key":"b64","ParentKeyMeta":{"KeyId":"ik-id","Created":s}},"Data":"b64"}</c>.
/// Times are Unix seconds; the data row key's time is the current second (not truncated). Base64 is standard and
/// padded. The key tail depends only on the intermediate key, so the hot path builds it once per key
/// (<see cref="BuildKeyTail"/>). <see cref="DataRowRecordReader.TryParseCompact"/> reads exactly this layout back.
/// </remarks>
internal static class DataRowRecordFormat
{
    /// <summary>Base64 length of a wrapped 32-byte key (60 bytes).</summary>
    public const int WrappedKeyBase64Length = 80;

    /// <summary>Bytes of a wrapped data row key: the AEAD blob of 32 key bytes.</summary>
    public const int WrappedKeyLength = AesGcmEngine.KeySize + AeadBlob.Overhead;

    /// <summary>
    /// The largest payload a record holds: 1 GiB. Its record (base64, about 4/3 of the payload, plus the key) stays
    /// far below the largest byte array .NET allocates (<see cref="Array.MaxLength"/>), whatever the partition id.
    /// </summary>
    public const int MaxPayloadLength = 1 << 30;

    /// <summary>Longest decimal form of a <see cref="long"/>.</summary>
    private const int MaxInt64Length = 20;

    public static ReadOnlySpan<byte> Head => "{\"Key\":{\"Created\":"u8;

    public static ReadOnlySpan<byte> KeyField => ",\"Key\":\""u8;

    public static ReadOnlySpan<byte> ParentKeyIdField => "\",\"ParentKeyMeta\":{\"KeyId\":\""u8;

    public static ReadOnlySpan<byte> ParentCreatedField => "\",\"Created\":"u8;

    public static ReadOnlySpan<byte> DataField => "}},\"Data\":\""u8;

    public static ReadOnlySpan<byte> End => "\"}"u8;

    /// <summary>The key tail for an intermediate key: <c>","ParentKeyMeta":{"KeyId":"ik-id","Created":ik-created}},"Data":"</c>.</summary>
    public static byte[] BuildKeyTail(string intermediateKeyId, long intermediateKeyCreated)
    {
        var buffer = new byte[KeyTailMaxLength(intermediateKeyId)];
        Span<byte> d = buffer;
        int n = JsonText.WriteAscii(ParentKeyIdField, d);
        n += JsonText.WriteEscaped(intermediateKeyId, d[n..]);
        n += JsonText.WriteAscii(ParentCreatedField, d[n..]);
        n += JsonText.WriteInt64(intermediateKeyCreated, d[n..]);
        n += JsonText.WriteAscii(DataField, d[n..]);
        return buffer.AsSpan(0, n).ToArray();
    }

    /// <summary>
    /// Writes a record from its parts: the wrapped data row key (60 bytes), a key tail from <see cref="BuildKeyTail"/>
    /// and the sealed payload; <paramref name="destination"/> holds at least <see cref="Length(int, int, long, int)"/> bytes.
    /// </summary>
    public static int Write(Span<byte> destination, long drkCreated, ReadOnlySpan<byte> wrappedKey, ReadOnlySpan<byte> keyTail, ReadOnlySpan<byte> sealedPayload)
    {
        int n = JsonText.WriteAscii(Head, destination);
        n += JsonText.WriteInt64(drkCreated, destination[n..]);
        n += JsonText.WriteAscii(KeyField, destination[n..]);
        n += WriteBase64(wrappedKey, destination[n..]);
        n += JsonText.WriteAscii(keyTail, destination[n..]);
        n += WriteBase64(sealedPayload, destination[n..]);
        n += JsonText.WriteAscii(End, destination[n..]);
        return n;
    }

    /// <summary>Exact length of a record whose sealed payload is <paramref name="sealedLength"/> bytes.</summary>
    /// <exception cref="OverflowException">The record would exceed <see cref="int.MaxValue"/> bytes.</exception>
    public static int Length(int sealedLength, long drkCreated, int keyTailLength) =>
        Length(WrappedKeyLength, sealedLength, drkCreated, keyTailLength);

    /// <summary>Exact length of a record with a wrapped key of any length (records built from parts).</summary>
    /// <exception cref="OverflowException">The record would exceed <see cref="int.MaxValue"/> bytes.</exception>
    public static int Length(int wrappedKeyLength, int sealedLength, long drkCreated, int keyTailLength) =>
        checked(Head.Length + JsonText.Int64Length(drkCreated) + KeyField.Length + Base64Length(wrappedKeyLength)
            + keyTailLength + Base64Length(sealedLength) + End.Length);

    /// <summary>Largest record length for a sealed payload of <paramref name="sealedLength"/> bytes under any key of this partition.</summary>
    /// <exception cref="OverflowException">The record would exceed <see cref="int.MaxValue"/> bytes.</exception>
    public static int MaxLength(int sealedLength, string intermediateKeyId) =>
        checked(Head.Length + MaxInt64Length + KeyField.Length + WrappedKeyBase64Length
            + KeyTailMaxLength(intermediateKeyId) + Base64Length(sealedLength) + End.Length);

    /// <summary>Size of the data blob behind a base64 string, or -1 when the length is not valid base64.</summary>
    public static int DecodedLength(ReadOnlySpan<byte> base64)
    {
        if (base64.Length % 4 != 0)
        {
            return -1;
        }

        int padding = base64.Length == 0 ? 0 : base64[^1] == '=' ? (base64[^2] == '=' ? 2 : 1) : 0;
        return (base64.Length / 4 * 3) - padding;
    }

    /// <summary>Unescapes a JSON string value into UTF-8 (rare path: values with escapes).</summary>
    public static byte[] Unescape(string value) => Encoding.UTF8.GetBytes(value);

    private static int KeyTailMaxLength(string intermediateKeyId) =>
        checked(ParentKeyIdField.Length + JsonText.EscapedLength(intermediateKeyId) + ParentCreatedField.Length + MaxInt64Length + DataField.Length);

    /// <summary>Padded base64 length of <paramref name="length"/> bytes, checked (the BCL helper throws a plain ArgumentOutOfRangeException).</summary>
    private static int Base64Length(int length) => checked((int)(((long)length + 2) / 3 * 4));

    private static int WriteBase64(ReadOnlySpan<byte> bytes, Span<byte> destination)
    {
        // The destination was sized by Length, so anything but Done is a bug, not bad input.
        var status = Base64.EncodeToUtf8(bytes, destination, out _, out int written);
        if (status != System.Buffers.OperationStatus.Done)
        {
            throw new InvalidOperationException("The data row record buffer is too small for its base64 data.");
        }

        return written;
    }
}

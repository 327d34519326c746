using System.Buffers.Text;
using System.Text;
using Asherah.Crypto;
using Asherah.Internal;

namespace Asherah.Envelope;

/// <summary>The data row record layout, written without reflection or intermediate strings.</summary>
/// <remarks>
/// <code>
/// drr      := {"Key":{"Created":drk-created,"Key":"b64(aead(drk, ik))",ik-meta},"Data":"b64(aead(payload, drk))"}
/// ik-meta  := "ParentKeyMeta":{"KeyId":"ik-id","Created":ik-created}
/// </code>
/// Times are Unix seconds; the data row key's time is the current second (not truncated). Base64 is standard and
/// padded. The part from the wrapped key's closing quote to the data's opening quote depends only on the intermediate
/// key, so it is built once per key (<see cref="BuildKeyTail"/>).
/// </remarks>
internal static class DataRowRecordFormat
{
    /// <summary>Base64 length of a wrapped 32-byte key (60 bytes).</summary>
    public const int WrappedKeyBase64Length = 80;

    public static ReadOnlySpan<byte> Head => "{\"Key\":{\"Created\":"u8;

    public static ReadOnlySpan<byte> KeyField => ",\"Key\":\""u8;

    public static ReadOnlySpan<byte> End => "\"}"u8;

    /// <summary><c>","ParentKeyMeta":{"KeyId":"ik-id","Created":ik-created}},"Data":"</c></summary>
    public static byte[] BuildKeyTail(string intermediateKeyId, long intermediateKeyCreated)
    {
        var buffer = new byte[64 + JsonText.EscapedLength(intermediateKeyId) + 20];
        Span<byte> d = buffer;
        int n = JsonText.WriteAscii("\",\"ParentKeyMeta\":{\"KeyId\":\""u8, d);
        n += JsonText.WriteEscaped(intermediateKeyId, d[n..]);
        n += JsonText.WriteAscii("\",\"Created\":"u8, d[n..]);
        n += JsonText.WriteInt64(intermediateKeyCreated, d[n..]);
        n += JsonText.WriteAscii("}},\"Data\":\""u8, d[n..]);
        return buffer.AsSpan(0, n).ToArray();
    }

    /// <summary>Exact length of a record for a payload.</summary>
    public static int Length(int payloadLength, long drkCreated, int keyTailLength) =>
        Head.Length + JsonText.Int64Length(drkCreated) + KeyField.Length + WrappedKeyBase64Length
        + keyTailLength + Base64.GetMaxEncodedToUtf8Length(payloadLength + AeadBlob.Overhead) + End.Length;

    /// <summary>Largest record length for a payload under any key of this partition.</summary>
    public static int MaxLength(int payloadLength, string intermediateKeyId) =>
        Head.Length + 20 + KeyField.Length + WrappedKeyBase64Length
        + 64 + JsonText.EscapedLength(intermediateKeyId) + 20
        + Base64.GetMaxEncodedToUtf8Length(payloadLength + AeadBlob.Overhead) + End.Length;

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
}

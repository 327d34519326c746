using System.Buffers.Text;
using System.Text;

namespace Asherah.Internal;

/// <summary>
/// Minimal JSON string escaping for the fixed record shapes: only <c>"</c>, <c>\</c> and control characters are
/// escaped; every other character is written as raw UTF-8, as canonical Asherah (Newtonsoft) writes it.
/// </summary>
internal static class JsonText
{
    /// <summary>UTF-8 length of <paramref name="value"/> as a JSON string body (without quotes).</summary>
    public static int EscapedLength(string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        foreach (char c in value)
        {
            if (c == '"' || c == '\\')
            {
                length += 1;
            }
            else if (c < 0x20)
            {
                length += 5; // \u00XX is 6 bytes for 1
            }
        }

        return length;
    }

    /// <summary>Writes <paramref name="value"/> as a JSON string body; returns bytes written.</summary>
    public static int WriteEscaped(string value, Span<byte> destination)
    {
        int written = 0;
        int start = 0;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c != '"' && c != '\\' && c >= 0x20)
            {
                continue;
            }

            written += Encoding.UTF8.GetBytes(value.AsSpan(start, i - start), destination[written..]);
            destination[written++] = (byte)'\\';
            switch (c)
            {
                case '"':
                    destination[written++] = (byte)'"';
                    break;
                case '\\':
                    destination[written++] = (byte)'\\';
                    break;
                default:
                    destination[written++] = (byte)'u';
                    destination[written++] = (byte)'0';
                    destination[written++] = (byte)'0';
                    destination[written++] = (byte)"0123456789abcdef"[c >> 4];
                    destination[written++] = (byte)"0123456789abcdef"[c & 0xF];
                    break;
            }

            start = i + 1;
        }

        written += Encoding.UTF8.GetBytes(value.AsSpan(start), destination[written..]);
        return written;
    }

    /// <summary>Writes an ASCII literal.</summary>
    public static int WriteAscii(ReadOnlySpan<byte> literal, Span<byte> destination)
    {
        literal.CopyTo(destination);
        return literal.Length;
    }

    /// <summary>Writes a 64-bit integer in decimal.</summary>
    public static int WriteInt64(long value, Span<byte> destination)
    {
        if (!Utf8Formatter.TryFormat(value, destination, out int written))
        {
            throw new ArgumentException("Destination too small.", nameof(destination));
        }

        return written;
    }

    /// <summary>Decimal digits (with sign) of <paramref name="value"/>.</summary>
    public static int Int64Length(long value)
    {
        if (value < 0)
        {
            return value == long.MinValue ? 20 : 1 + Int64Length(-value);
        }

        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }
}

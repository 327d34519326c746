using System.Text.Json;

namespace Asherah.Internal;

/// <summary>Reads the Unix-second times of the record formats from a JSON number token.</summary>
/// <remarks>
/// <code>
/// seconds := json-number whose value is an integer: 1700000040 | 1.70000004E9 | 1700000040.0 | 17000000400e-1
/// </code>
/// Canonical writers (Go, Java, C#) write plain integers, but the canonical Java (org.json <c>getLong</c>) and C#
/// (Newtonsoft <c>ToObject&lt;long&gt;</c>) readers accept any number notation, which other JSON libraries produce
/// for the same value; so the value counts, not its notation. Strings, and values beyond what a
/// <see cref="DateTimeOffset"/> holds, are refused.
/// </remarks>
internal static class JsonSeconds
{
    /// <summary>
    /// The integer value of the number token the reader is on; <see langword="false"/> when it is not a number, has a
    /// fractional part, or is out of the <see cref="UnixTime"/> range.
    /// </summary>
    public static bool TryGetExact(ref Utf8JsonReader reader, out long seconds)
    {
        seconds = 0;
        if (reader.TokenType != JsonTokenType.Number)
        {
            return false;
        }

        if (!reader.TryGetInt64(out seconds))
        {
            if (!reader.TryGetDecimal(out decimal value) || value != decimal.Truncate(value)
                || value < UnixTime.MinSeconds || value > UnixTime.MaxSeconds)
            {
                seconds = 0;
                return false;
            }

            seconds = (long)value;
        }

        return UnixTime.IsRepresentable(seconds);
    }

    /// <summary>
    /// Like <see cref="TryGetExact"/>, but a fractional part is dropped (rounded toward negative infinity), as the
    /// canonical Java and C# readers accept one: for times no decryption depends on (a data row key's own time).
    /// </summary>
    public static bool TryGetFloor(ref Utf8JsonReader reader, out long seconds)
    {
        if (TryGetExact(ref reader, out seconds))
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDecimal(out decimal value)
            || value < UnixTime.MinSeconds || value > UnixTime.MaxSeconds)
        {
            seconds = 0;
            return false;
        }

        seconds = (long)decimal.Floor(value);
        return true;
    }
}

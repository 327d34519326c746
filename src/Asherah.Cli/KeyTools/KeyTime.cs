using System.Globalization;
using Asherah.Cli.Configuration;

namespace Asherah.Cli.KeyTools;

/// <summary>Key creation times as the key tools read and print them: Unix seconds or ISO 8601, printed as UTC ISO 8601.</summary>
internal static class KeyTime
{
    /// <summary>The UTC ISO 8601 form, to the second: <c>2026-12-01T02:25:00Z</c>.</summary>
    public static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses <paramref name="text"/> given for <paramref name="option"/>: Unix seconds, or an ISO 8601 time with a zone.</summary>
    /// <exception cref="InvalidSettingException">Neither form.</exception>
    public static DateTimeOffset Parse(string text, string option)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
            && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());
        }

        throw new InvalidSettingException($"{option} must be Unix seconds (1700000040) or an ISO 8601 time (2023-11-14T22:14:00Z), not '{Shorten(text)}'.");
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "\u2026");
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace Asherah.Server.Configuration;

/// <summary>
/// The server's own durations (<c>--shutdown-grace</c>) in Go's syntax, as its canonical options take them:
/// <code>duration := (number unit)+    unit := h | m | s | ms</code>
/// The <c>Asherah</c> section's durations are read by the core's binder.
/// </summary>
internal static partial class GoDuration
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (text == "0")
        {
            return true;
        }

        var match = Duration().Match(text);
        if (!match.Success)
        {
            return false;
        }

        double milliseconds = 0;
        for (int i = 0; i < match.Groups["number"].Captures.Count; i++)
        {
            double number = double.Parse(match.Groups["number"].Captures[i].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            milliseconds += number * match.Groups["unit"].Captures[i].Value switch
            {
                "h" => 3_600_000,
                "m" => 60_000,
                "s" => 1_000,
                _ => 1,
            };
        }

        if (milliseconds > TimeSpan.FromDays(1).TotalMilliseconds)
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    [GeneratedRegex(@"^(?:(?<number>\d+(?:\.\d+)?)(?<unit>ms|h|m|s))+$")]
    private static partial Regex Duration();
}

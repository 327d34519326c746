using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Asherah.Kms.Aws.Hosting;

/// <summary>
/// Reads <see cref="AwsKmsOptions"/> from the <c>Asherah</c> configuration section by hand (no reflection: trim- and
/// AOT-safe), naming the key and its environment variable in every error.
/// </summary>
/// <remarks>
/// <code>
/// Asherah:RegionMap               ASHERAH_REGION_MAP         REGION=ARN,REGION=ARN   (canonical server)
/// Asherah:PreferredRegion         ASHERAH_PREFERRED_REGION   REGION                  (canonical server)
/// Asherah:AwsKms:RegionMap                                   REGION=ARN,...          wins over Asherah:RegionMap
/// Asherah:AwsKms:PreferredRegion                             REGION                  wins over Asherah:PreferredRegion
/// Asherah:AwsKms:RegionTimeout                               00:00:05 | 5s | 500ms | 1m
/// Asherah:AwsKms:MinimumRegions                              1..32
/// </code>
/// </remarks>
internal static class AwsKmsConfiguration
{
    public const string SectionName = "AwsKms";

    /// <summary>Binds <paramref name="section"/> (the <c>Asherah</c> section) into <paramref name="options"/>; returns the errors.</summary>
    public static List<string> Bind(IConfiguration section, AwsKmsOptions options)
    {
        var errors = new List<string>();
        var aws = section.GetSection(SectionName);
        var (mapKey, map) = Text(aws, "RegionMap") is { } own
            ? ("Asherah:AwsKms:RegionMap", own)
            : ("Asherah:RegionMap (environment ASHERAH_REGION_MAP)", Text(section, "RegionMap"));
        if (map is not null)
        {
            try
            {
                var regions = RegionMap.Parse(map);
                options.Regions.Clear();
                foreach (var region in regions)
                {
                    options.Regions.Add(region);
                }
            }
            catch (FormatException e)
            {
                errors.Add($"{mapKey}: {e.Message}");
            }
        }

        options.PreferredRegion = Text(aws, "PreferredRegion") ?? Text(section, "PreferredRegion") ?? options.PreferredRegion;

        if (Text(aws, "RegionTimeout") is { } timeoutText)
        {
            if (TryDuration(timeoutText, out var timeout) && timeout >= TimeSpan.FromMilliseconds(1) && timeout <= TimeSpan.FromMinutes(10))
            {
                options.RegionTimeout = timeout;
            }
            else
            {
                errors.Add($"Asherah:AwsKms:RegionTimeout is '{timeoutText}'; expected a duration from 1ms to 10m, such as 5s, 500ms or 00:00:05.");
            }
        }

        if (Text(aws, "MinimumRegions") is { } minimumText)
        {
            if (int.TryParse(minimumText, NumberStyles.None, CultureInfo.InvariantCulture, out var minimum) && minimum is >= 1 and <= AwsKmsOptions.MaxRegions)
            {
                options.MinimumRegions = minimum;
            }
            else
            {
                errors.Add($"Asherah:AwsKms:MinimumRegions is '{minimumText}'; expected a whole number from 1 to {AwsKmsOptions.MaxRegions}.");
            }
        }

        return errors;
    }

    private static string? Text(IConfiguration section, string key) =>
        section[key] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>A <see cref="TimeSpan"/> (<c>00:00:05</c>) or a number with a unit: <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>.</summary>
    internal static bool TryDuration(string text, out TimeSpan value)
    {
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
        }

        value = default;
        (string unit, double scale)[] units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];
        foreach (var (unit, scale) in units)
        {
            if (text.EndsWith(unit, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text.AsSpan(0, text.Length - unit.Length), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
                && number * scale <= TimeSpan.MaxValue.TotalMilliseconds)
            {
                value = TimeSpan.FromMilliseconds(number * scale);
                return true;
            }
        }

        return false;
    }
}

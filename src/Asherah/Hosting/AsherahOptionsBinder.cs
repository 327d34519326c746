using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Asherah.Hosting;

/// <summary>
/// Reads <see cref="AsherahOptions"/> from a configuration section by hand: no reflection (trim- and AOT-safe), Go
/// durations as the canonical server writes them, and an error naming the key and its variables for every bad value.
/// </summary>
internal static class AsherahOptionsBinder
{
    /// <summary>The section to bind: <paramref name="configuration"/> itself when it is a section, else its <c>Asherah</c> section.</summary>
    public static IConfiguration SectionOf(IConfiguration configuration) =>
        configuration is IConfigurationSection ? configuration : configuration.GetSection(AsherahOptions.SectionName);

    /// <summary>Sets every property the section holds a value for; bad values are added to <see cref="AsherahOptions.BindingErrors"/>.</summary>
    public static void Bind(IConfiguration section, AsherahOptions options)
    {
        options.Configuration = section;
        var errors = options.BindingErrors;
        if (Text(section, "ProductId") is { } product)
        {
            options.ProductId = product;
        }

        if (Text(section, "ServiceId") is { } service)
        {
            options.ServiceId = service;
        }

        options.Metastore = Text(section, "Metastore") ?? options.Metastore;
        options.ConnectionString = Text(section, "ConnectionString") ?? options.ConnectionString;
        options.Kms = Text(section, "Kms") ?? options.Kms;
        options.StaticMasterKey = Text(section, "StaticMasterKey") ?? options.StaticMasterKey;
        options.StaticMasterKeyFile = Text(section, "StaticMasterKeyFile") ?? options.StaticMasterKeyFile;

        Read<TimeSpan>(section, "ExpireAfter", errors, TryDuration, DurationForm, v => options.ExpireAfter = v);
        Read<TimeSpan>(section, "CheckInterval", errors, TryDuration, DurationForm, v => options.CheckInterval = v);
        Read<bool>(section, "EnableSessionCaching", errors, TryFlag, FlagForm, v => options.EnableSessionCaching = v);
        Read<int>(section, "SessionCacheMaxSize", errors, TryInt, IntForm, v => options.SessionCacheMaxSize = v);
        Read<TimeSpan>(section, "SessionCacheDuration", errors, TryDuration, DurationForm, v => options.SessionCacheDuration = v);
        Read<int>(section, "SystemKeyCacheMaxSize", errors, TryInt, IntForm, v => options.SystemKeyCacheMaxSize = v);
        Read<CacheEvictionPolicy>(section, "SystemKeyCacheEvictionPolicy", errors, TryPolicy, PolicyForm, v => options.SystemKeyCacheEvictionPolicy = v);
        Read<int>(section, "IntermediateKeyCacheMaxSize", errors, TryInt, IntForm, v => options.IntermediateKeyCacheMaxSize = v);
        Read<CacheEvictionPolicy>(section, "IntermediateKeyCacheEvictionPolicy", errors, TryPolicy, PolicyForm, v => options.IntermediateKeyCacheEvictionPolicy = v);
        Read<bool>(section, "SharedIntermediateKeyCache", errors, TryFlag, FlagForm, v => options.SharedIntermediateKeyCache = v);
        Read<CacheEvictionPolicy>(section, "SessionCacheEvictionPolicy", errors, TryPolicy, PolicyForm, v => options.SessionCacheEvictionPolicy = v);
        Read<bool>(section, "BackgroundKeyRefresh", errors, TryFlag, FlagForm, v => options.BackgroundKeyRefresh = v);
        Read<double>(section, "RefreshAheadFraction", errors, TryFraction, "a number greater than 0 and at most 1, such as 0.8", v => options.RefreshAheadFraction = v);
        Read<int>(section, "MaxConcurrentKeyRefreshes", errors, TryInt, IntForm, v => options.MaxConcurrentKeyRefreshes = v);
        Read<AesGcmEngineKind>(section, "AesGcmEngine", errors, TryEngine, "Auto, Intrinsics or Platform", v => options.AesGcmEngine = v);
        Read<CryptoPolicyKind>(section, "Policy", errors, TryPolicy, "BasicExpiring or NeverExpired", v => options.Policy = v);
        Read<bool>(section, "NotifyExpiredIntermediateKeyOnRead", errors, TryFlag, FlagForm, v => options.NotifyExpiredIntermediateKeyOnRead = v);
        Read<bool>(section, "NotifyExpiredSystemKeyOnRead", errors, TryFlag, FlagForm, v => options.NotifyExpiredSystemKeyOnRead = v);
        Read<bool>(section, "WarmUpOnStart", errors, TryFlag, FlagForm, v => options.WarmUpOnStart = v);
        Read<bool>(section, "FailStartOnWarmUpError", errors, TryFlag, FlagForm, v => options.FailStartOnWarmUpError = v);
        Read<bool>(section, "AllowDevelopmentComponentsInProduction", errors, TryFlag, FlagForm, v => options.AllowDevelopmentComponentsInProduction = v);

        var memory = section.GetSection("SecureMemory");
        var secure = options.SecureMemory;
        Read<bool>(memory, "AllowUnlockedFallback", errors, TryFlag, FlagForm, v => secure.AllowUnlockedFallback = v);
        Read<bool>(memory, "StrictProtection", errors, TryFlag, FlagForm, v => secure.StrictProtection = v);
        Read<bool>(memory, "DisableCoreDumps", errors, TryFlag, FlagForm, v => secure.DisableCoreDumps = v);
        Read<int>(memory, "ChunkSize", errors, TryInt, "a power of two from 16384 to 16777216", v => secure.ChunkSize = v);

        var pressureSection = section.GetSection("MemoryPressure");
        var pressure = options.MemoryPressure;
        Read<bool>(pressureSection, "Enabled", errors, TryFlag, FlagForm, v => pressure.Enabled = v);
        Read<TimeSpan>(pressureSection, "CheckInterval", errors, TryDuration, DurationForm, v => pressure.CheckInterval = v);
        Read<TimeSpan>(pressureSection, "RecoveryDelay", errors, TryDuration, "a Go duration such as 60s or 5m, or a TimeSpan, zero or more", v => pressure.RecoveryDelay = v);
        Read<double>(pressureSection, "MemoryLoadThreshold", errors, TryFraction, FractionForm, v => pressure.MemoryLoadThreshold = v);
        Read<double>(pressureSection, "LockedMemoryThreshold", errors, TryFraction, FractionForm, v => pressure.LockedMemoryThreshold = v);
        Read<int>(pressureSection, "MinimumCacheSize", errors, TryInt, IntForm, v => pressure.MinimumCacheSize = v);
    }

    private const string DurationForm = "a Go duration such as 2160h, 90m or 1h30m (d for days), or a TimeSpan such as 90.00:00:00";
    private const string FlagForm = "true or false";
    private const string IntForm = "a whole number";
    private const string FractionForm = "a fraction above 0 and at most 1, such as 0.9";
    private const string PolicyForm = "a cache eviction policy: simple, lru, lfu, slru or tinylfu";

    private delegate bool TryParse<T>(string text, out T value);

    private static string? Text(IConfiguration section, string key) =>
        section[key] is { Length: > 0 } value ? value : null;

    private static void Read<T>(IConfiguration section, string key, List<string> errors, TryParse<T> parse, string form, Action<T> set)
    {
        if (Text(section, key) is not { } text)
        {
            return;
        }

        string where = Describe(section, key);
        if (!parse(text.Trim(), out var value))
        {
            errors.Add($"{where} is '{text}', which is not {form}.");
            return;
        }

        try
        {
            set(value);
        }
        catch (ArgumentOutOfRangeException)
        {
            errors.Add($"{where} is '{text}', which is out of range: it must be {(form == DurationForm || form == IntForm ? "positive" : form)}.");
        }
    }

    private static string Describe(IConfiguration section, string key) =>
        Describe(section is IConfigurationSection s ? s.Path + ":" + key : key);

    /// <summary>"Asherah:ExpireAfter (environment ASHERAH_EXPIRE_AFTER)" for the key path <c>Asherah:ExpireAfter</c>.</summary>
    internal static string Describe(string path)
    {
        string variables = AsherahEnvironmentVariables.NamesOf(path);
        return variables.Length == 0 ? path : $"{path} (environment {variables})";
    }

    private static bool TryInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    private static bool TryFraction(string text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static bool TryFlag(string text, out bool value)
    {
        // bool.TryParse plus the forms Go's strconv.ParseBool accepts that people write in environment files.
        switch (text.ToLowerInvariant())
        {
            case "true" or "t" or "1":
                value = true;
                return true;
            case "false" or "f" or "0":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    private static bool TryPolicy(string text, out CacheEvictionPolicy value)
    {
        bool parsed = Caching.BoundedCache.TryParsePolicy(text, out var policy);
        value = policy.GetValueOrDefault();
        return parsed;
    }

    private static bool TryEngine(string text, out AesGcmEngineKind value) =>
        Enum.TryParse(text, ignoreCase: true, out value) && !char.IsAsciiDigit(text[0]) && text[0] != '-' && Enum.IsDefined(value);

    private static bool TryPolicy(string text, out CryptoPolicyKind value) =>
        Enum.TryParse(text, ignoreCase: true, out value) && !char.IsAsciiDigit(text[0]) && text[0] != '-' && Enum.IsDefined(value);

    /// <summary>Parses a TimeSpan (<c>[d.]hh:mm[:ss]</c>) or a Go duration: <c>(number unit)+</c> with units ns us µs ms s m h (and d).</summary>
    internal static bool TryDuration(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
        }

        if (text == "0")
        {
            return true;
        }

        var rest = text.AsSpan();
        if (rest.IsEmpty)
        {
            return false;
        }

        double ticks = 0;
        while (!rest.IsEmpty)
        {
            int numberLength = 0;
            while (numberLength < rest.Length && (char.IsAsciiDigit(rest[numberLength]) || rest[numberLength] == '.'))
            {
                numberLength++;
            }

            int unitLength = 0;
            while (numberLength + unitLength < rest.Length && !char.IsAsciiDigit(rest[numberLength + unitLength]) && rest[numberLength + unitLength] != '.')
            {
                unitLength++;
            }

            if (numberLength == 0 || unitLength == 0
                || !double.TryParse(rest[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
            {
                return false;
            }

            double unit = rest.Slice(numberLength, unitLength) switch
            {
                "ns" => 0.01,
                "us" or "µs" or "μs" => TimeSpan.TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                "d" => TimeSpan.TicksPerDay,
                _ => double.NaN,
            };
            if (double.IsNaN(unit))
            {
                return false;
            }

            ticks += number * unit;
            rest = rest[(numberLength + unitLength)..];
        }

        if (ticks >= TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)Math.Round(ticks));
        return true;
    }
}

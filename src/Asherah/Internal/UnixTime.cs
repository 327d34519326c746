namespace Asherah.Internal;

/// <summary>Conversions between <see cref="DateTimeOffset"/> and the Unix seconds the formats use.</summary>
internal static class UnixTime
{
    /// <summary>Largest Unix second a <see cref="DateTimeOffset"/> can hold (9999-12-31T23:59:59Z).</summary>
    public const long MaxSeconds = 253_402_300_799;

    /// <summary>Smallest Unix second a <see cref="DateTimeOffset"/> can hold (0001-01-01T00:00:00Z).</summary>
    public const long MinSeconds = -62_135_596_800;

    public static bool IsRepresentable(long seconds) => seconds is >= MinSeconds and <= MaxSeconds;

    public static DateTimeOffset FromSeconds(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds);

    public static long TruncateToMinute(long seconds) => seconds - (((seconds % 60) + 60) % 60);
}

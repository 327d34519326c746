namespace Asherah.Internal;

/// <summary>UTF-16 checks for the ids that become key ids.</summary>
internal static class Utf16
{
    /// <summary>Whether <paramref name="value"/> has no unpaired surrogate (it encodes to UTF-8 without loss).</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (!char.IsSurrogate(c))
            {
                continue;
            }

            if (!char.IsHighSurrogate(c) || i + 1 == value.Length || !char.IsLowSurrogate(value[i + 1]))
            {
                return false;
            }

            i++;
        }

        return true;
    }
}

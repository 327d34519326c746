using System.Buffers;

namespace Asherah.Internal;

/// <summary>Brings base64 text that canonical readers accept into the standard padded form the decoders take.</summary>
/// <remarks>
/// <code>
/// accepted := standard-alphabet chars, with white space (SP HT CR LF) anywhere and the final '=' padding optional
/// result   := the same chars without white space, padded to a multiple of 4
/// </code>
/// Canonical C# (<c>Convert.FromBase64String</c>) skips white space and Go (<c>base64.StdEncoding</c>) skips CR and
/// LF, so line-wrapped base64 reads there; canonical Java (<c>Base64.getDecoder()</c>) accepts missing padding.
/// The URL-safe alphabet (<c>-</c>, <c>_</c>) is accepted by none of them and stays invalid; so do non-zero bits after
/// the last byte (the BCL decoder refuses them, so a changed final character cannot decode to the same bytes).
/// </remarks>
internal static class Base64Text
{
    private static readonly SearchValues<byte> WhiteSpace = SearchValues.Create(" \t\r\n"u8);

    /// <summary>
    /// <paramref name="text"/> itself when it is already padded and free of white space (the common case, no copy);
    /// otherwise a normalized copy. Text that cannot become valid base64 is returned as is, for the decoder to refuse.
    /// </summary>
    public static ReadOnlySpan<byte> Normalize(ReadOnlySpan<byte> text)
    {
        bool hasWhiteSpace = text.ContainsAny(WhiteSpace);
        if (!hasWhiteSpace && text.Length % 4 == 0)
        {
            return text;
        }

        var compact = new byte[text.Length + 3];
        int n = 0;
        foreach (byte b in text)
        {
            if (!WhiteSpace.Contains(b))
            {
                compact[n++] = b;
            }
        }

        // Padding is added only to unpadded text: "AB=" stays invalid, as it is for every canonical reader.
        if (n % 4 is 2 or 3 && compact[n - 1] != (byte)'=')
        {
            while (n % 4 != 0)
            {
                compact[n++] = (byte)'=';
            }
        }

        return compact.AsSpan(0, n);
    }
}

using System.Globalization;

namespace Asherah.Tests.SecureMemory;

/// <summary>One mapping of /proc/self/smaps.</summary>
internal sealed record SmapsMapping(ulong Start, ulong End, string Permissions, IReadOnlyDictionary<string, long> KiloBytes, string[] VmFlags)
{
    /// <summary>The mapping of this process that contains <paramref name="address"/>.</summary>
    public static SmapsMapping Containing(nint address)
    {
        SmapsMapping? found = null;
        ulong start = 0, end = 0;
        string permissions = "";
        Dictionary<string, long>? fields = null;
        foreach (string line in File.ReadLines("/proc/self/smaps"))
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && parts[0].Contains('-', StringComparison.Ordinal) && !parts[0].EndsWith(':'))
            {
                string[] range = parts[0].Split('-');
                start = ulong.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                end = ulong.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                permissions = parts[1];
                fields = (ulong)address >= start && (ulong)address < end ? [] : null;
            }
            else if (fields is not null && parts[0] == "VmFlags:")
            {
                found = new SmapsMapping(start, end, permissions, fields, parts[1..]);
                break;
            }
            else if (fields is not null && parts.Length == 3 && parts[2] == "kB")
            {
                fields[parts[0].TrimEnd(':')] = long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        return found ?? throw new InvalidOperationException($"No mapping contains 0x{address:x}.");
    }
}

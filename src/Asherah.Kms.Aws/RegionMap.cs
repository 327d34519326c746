namespace Asherah.Kms.Aws;

/// <summary>The canonical server's region map text.</summary>
/// <remarks>
/// <code>
/// region-map := entry ("," entry)*       ; ASHERAH_REGION_MAP, order = preference order
/// entry      := region "=" key-arn       ; whitespace around either side is ignored, empty entries are skipped
/// </code>
/// The canonical server reads the map into an unordered map and needs <c>ASHERAH_PREFERRED_REGION</c> to pick a first
/// region; here the order written is kept, and the preferred region, when given, moves to the front.
/// </remarks>
internal static class RegionMap
{
    public static List<AwsKmsRegion> Parse(string text)
    {
        var regions = new List<AwsKmsRegion>();
        int position = 0;
        foreach (var raw in text.Split(','))
        {
            position++;
            var entry = raw.Trim();
            if (entry.Length == 0)
            {
                continue;
            }

            int equals = entry.IndexOf('=', StringComparison.Ordinal);
            var region = equals < 0 ? string.Empty : entry[..equals].Trim();
            var arn = equals < 0 ? string.Empty : entry[(equals + 1)..].Trim();
            if (region.Length == 0 || arn.Length == 0)
            {
                throw new FormatException($"Entry {position} of the AWS KMS region map is not REGION=ARN (for example us-west-2=arn:aws:kms:us-west-2:111122223333:key/...).");
            }

            regions.Add(new AwsKmsRegion(region, arn));
        }

        return regions;
    }
}

using Amazon.KeyManagementService;

namespace Asherah.Kms.Aws;

/// <summary>Settings of an <see cref="AwsKeyManagementService"/>: the regions and keys, in preference order, and how long to wait for each.</summary>
/// <remarks>
/// <para>
/// <see cref="Regions"/> is required. The first region is the preferred one: system keys get their data key there
/// while it answers, and decryption asks it first. <see cref="PreferredRegion"/> moves one region to the front
/// (the canonical server's <c>ASHERAH_PREFERRED_REGION</c>).
/// </para>
/// <para>
/// Configuration (bound by the <c>aws</c> provider, see <see cref="AwsKms"/>): <c>Asherah:RegionMap</c>
/// (<c>ASHERAH_REGION_MAP</c>, <c>REGION=ARN,REGION=ARN</c>) and <c>Asherah:PreferredRegion</c>
/// (<c>ASHERAH_PREFERRED_REGION</c>), overridden by <c>Asherah:AwsKms:RegionMap</c>, <c>Asherah:AwsKms:PreferredRegion</c>;
/// <c>Asherah:AwsKms:RegionTimeout</c> (<c>00:00:05</c> or <c>5s</c>) and <c>Asherah:AwsKms:MinimumRegions</c>.
/// </para>
/// </remarks>
public sealed class AwsKmsOptions
{
    /// <summary>The most regions one service takes (each system key carries one entry per region).</summary>
    public const int MaxRegions = 32;

    private TimeSpan _regionTimeout = TimeSpan.FromSeconds(10);
    private int _minimumRegions = 2;
    private TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>The regions and their key ARNs, preferred first. Region names are compared case-insensitively.</summary>
    public IList<AwsKmsRegion> Regions { get; } = new List<AwsKmsRegion>();

    /// <summary>A region of <see cref="Regions"/> to move to the front; <see langword="null"/> keeps the list's order.</summary>
    /// <remarks>Default <see langword="null"/>. Configuration <c>Asherah:PreferredRegion</c>; environment <c>ASHERAH_PREFERRED_REGION</c>.</remarks>
    public string? PreferredRegion { get; set; }

    /// <summary>How long one call to one region may take, SDK retries included, before the next region is tried.</summary>
    /// <remarks>
    /// Default 10 seconds; 1 ms to 10 minutes. A region that does not answer in time counts as failed for that call
    /// (reason <c>timeout</c>); the caller's own cancellation is not a region failure and ends the whole operation.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1 ms to 10 minutes.</exception>
    public TimeSpan RegionTimeout
    {
        get => _regionTimeout;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.FromMilliseconds(1));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, TimeSpan.FromMinutes(10));
            _regionTimeout = value;
        }
    }

    /// <summary>
    /// The fewest regions a newly encrypted system key must be readable in (the data key's region counted); capped at
    /// the number of regions configured.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Default 2: with two or more regions, a system key is never written that one regional outage can make unreadable.
    /// When some secondary region's <c>Encrypt</c> fails but at least this many regions hold the data key, the key is
    /// written without the failed regions, a warning is logged and <c>asherah.kms.key.regions_missing</c> counts each
    /// missing region; below it, encryption fails with a <see cref="KmsException"/> (transient when a failed region's error was) and nothing is written.
    /// </para>
    /// <para>
    /// Set 1 for canonical Go's behaviour (write whatever succeeded: new keys stay available while only one region
    /// answers), or the number of regions for canonical C#'s (any failed region fails the operation).
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above <see cref="MaxRegions"/>.</exception>
    public int MinimumRegions
    {
        get => _minimumRegions;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxRegions);
            _minimumRegions = value;
        }
    }

    /// <summary>Makes the KMS client of a region; the service calls it once per region and disposes what it returns.</summary>
    /// <remarks>
    /// Default <see langword="null"/>: an <c>AmazonKeyManagementServiceClient</c> for <c>RegionEndpoint.GetBySystemName(region)</c>
    /// that signs for that region, so credentials, retries and endpoint overrides (<c>AWS_ENDPOINT_URL_KMS</c>, shared
    /// config) come from the standard AWS SDK chain. Set it to give clients your own credentials, endpoint (<c>ServiceURL</c>) or retry settings.
    /// </remarks>
    public Func<string, IAmazonKeyManagementService>? ClientFactory { get; set; }

    /// <summary>The clock of the per-region timeouts.</summary>
    /// <remarks>Default <see cref="TimeProvider.System"/>.</remarks>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _timeProvider = value;
        }
    }

    /// <summary>Adds a region and its key ARN after those already added (lower preference).</summary>
    /// <returns>These options.</returns>
    public AwsKmsOptions AddRegion(string region, string keyArn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyArn);
        Regions.Add(new AwsKmsRegion(region.Trim(), keyArn.Trim()));
        return this;
    }

    /// <summary>Adds the regions of a canonical region map, <c>REGION=ARN,REGION=ARN</c>, in the order written.</summary>
    /// <returns>These options.</returns>
    /// <exception cref="FormatException">An entry is not <c>REGION=ARN</c>.</exception>
    public AwsKmsOptions AddRegionMap(string regionMap)
    {
        ArgumentNullException.ThrowIfNull(regionMap);
        foreach (var region in RegionMap.Parse(regionMap))
        {
            Regions.Add(region);
        }

        return this;
    }

    /// <summary>What is wrong with these options, or <see langword="null"/> when they are usable.</summary>
    public string? Validate()
    {
        if (Regions.Count == 0)
        {
            return "No AWS KMS region is configured: add REGION=ARN pairs (Asherah:RegionMap, environment ASHERAH_REGION_MAP, or AwsKmsOptions.AddRegion).";
        }

        if (Regions.Count > MaxRegions)
        {
            return $"{Regions.Count} AWS KMS regions are configured; at most {MaxRegions} are supported.";
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in Regions)
        {
            if (entry is null || string.IsNullOrWhiteSpace(entry.Region) || string.IsNullOrWhiteSpace(entry.KeyArn))
            {
                return "Every AWS KMS region needs a region name and a key ARN.";
            }

            if (!seen.Add(entry.Region))
            {
                return $"The AWS KMS region '{entry.Region}' is configured twice.";
            }
        }

        if (!string.IsNullOrEmpty(PreferredRegion) && !seen.Contains(PreferredRegion))
        {
            return $"The preferred AWS KMS region '{PreferredRegion}' (Asherah:PreferredRegion, environment ASHERAH_PREFERRED_REGION) is not one of the configured regions: {string.Join(", ", Regions.Select(r => r.Region))}.";
        }

        return null;
    }

    /// <summary>The regions in preference order: <see cref="PreferredRegion"/> first, then the others as listed.</summary>
    internal AwsKmsRegion[] OrderedRegions()
    {
        var regions = Regions.ToList();
        if (!string.IsNullOrEmpty(PreferredRegion))
        {
            int index = regions.FindIndex(r => string.Equals(r.Region, PreferredRegion, StringComparison.OrdinalIgnoreCase));
            if (index > 0)
            {
                var preferred = regions[index];
                regions.RemoveAt(index);
                regions.Insert(0, preferred);
            }
        }

        return [.. regions];
    }
}

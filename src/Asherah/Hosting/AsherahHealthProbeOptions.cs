namespace Asherah;

/// <summary>How <see cref="AsherahHealthProbe"/> probes a factory's metastore and key management service.</summary>
/// <remarks>Defaults: <see cref="Timeout"/> 5 seconds, <see cref="ProbeKeyManagementService"/> on.</remarks>
public sealed class AsherahHealthProbeOptions
{
    private TimeSpan _timeout = TimeSpan.FromSeconds(5);

    /// <summary>How long the whole probe (metastore and KMS together) may take before it reports the part that did not answer.</summary>
    /// <remarks>Default 5 seconds; must be positive. The probe returns by then even if a driver ignores cancellation. A timeout longer than a timer takes (about 49.7 days; <see cref="TimeSpan.MaxValue"/>) means none.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan Timeout
    {
        get => _timeout;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _timeout = value;
        }
    }

    /// <summary>Whether the newest system key is decrypted through the key management service when the metastore holds one.</summary>
    /// <remarks>
    /// Default <see langword="true"/>. Each probe is then one KMS <c>Decrypt</c> call (with AWS KMS, a billed request):
    /// turn it off to probe the metastore only.
    /// </remarks>
    public bool ProbeKeyManagementService { get; set; } = true;
}

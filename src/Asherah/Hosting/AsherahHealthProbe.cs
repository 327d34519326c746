using System.Diagnostics;

namespace Asherah;

/// <summary>
/// Checks that a <see cref="SessionFactory"/>'s metastore and key management service answer, without creating any key.
/// The <c>Asherah.HealthChecks</c> package runs it as an ASP.NET Core health check.
/// </summary>
/// <remarks>
/// <para>
/// The probe loads the newest record of the factory's system key (<see cref="SessionFactory.SystemKeyId"/>), as the
/// first encrypt would, but never creates one. When a record exists, its key is decrypted through the key management
/// service (unless <see cref="AsherahHealthProbeOptions.ProbeKeyManagementService"/> is off) and wiped at once: that
/// proves the KMS holds the master key and this process may use it. When none exists yet (before the first encrypt, with
/// warm-up off), the metastore is proven reachable and the KMS is left unprobed and reported so: every KMS call that
/// needs no stored key would make key material (a data key) for nothing.
/// </para>
/// <para>
/// Cached keys are not consulted: the probe always reaches the metastore, so a metastore outage shows even while every
/// key is cached. The whole probe is bounded by <see cref="AsherahHealthProbeOptions.Timeout"/>; a part that does not
/// answer in time is reported as failed with a <see cref="TimeoutException"/>.
/// </para>
/// </remarks>
public static class AsherahHealthProbe
{
    /// <summary>Probes the metastore and key management service of <paramref name="factory"/>.</summary>
    /// <returns>A report naming the part that failed, if any; failures are reported, not thrown.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<AsherahHealthReport> ProbeAsync(SessionFactory factory, AsherahHealthProbeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        options ??= new AsherahHealthProbeOptions();
        string keyId = factory.SystemKeyId;
        if (factory.IsDisposed)
        {
            var disposed = new ObjectDisposedException(nameof(SessionFactory));
            return new AsherahHealthReport(keyId, AsherahComponent.Metastore, "The session factory has been disposed.", disposed, false, false, TimeSpan.Zero, null);
        }

        var context = factory.Context;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.Timeout <= MaxTimerDelay)
        {
            deadline.CancelAfter(options.Timeout);
        }

        // Longer than a timer takes (about 49.7 days, TimeSpan.MaxValue among them): no deadline but the caller's token.

        long started = Stopwatch.GetTimestamp();
        EnvelopeKeyRecord? record;
        try
        {
            // WaitAsync: the probe returns on time even if a driver ignores the token.
            record = await context.Metastore.LoadLatestAsync(keyId, deadline.Token).AsTask().WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var failure = Failure(e, deadline, options, "metastore");
            return new AsherahHealthReport(
                keyId,
                AsherahComponent.Metastore,
                $"The metastore failed to load the system key {keyId}: {Reason(failure)}",
                failure,
                false,
                false,
                elapsed,
                null);
        }

        var metastoreTime = Stopwatch.GetElapsedTime(started);
        if (record is null)
        {
            return new AsherahHealthReport(
                keyId, null, $"The metastore answered in {Milliseconds(metastoreTime)} and holds no system key {keyId} yet; the key management service was not probed (no key to decrypt).", null, false, false, metastoreTime, null);
        }

        if (!options.ProbeKeyManagementService)
        {
            return new AsherahHealthReport(
                keyId, null, $"The metastore answered in {Milliseconds(metastoreTime)} with system key {keyId}; the key management service was not probed (turned off).", null, true, false, metastoreTime, null);
        }

        long kmsStarted = Stopwatch.GetTimestamp();
        var decrypting = context.Kms.DecryptKeyAsync(record.EncryptedKey, context.KeyAllocator, deadline.Token).AsTask();
        try
        {
            using var material = await decrypting.WaitAsync(deadline.Token).ConfigureAwait(false)
                ?? throw new KmsException("The key management service returned no system key (null).");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // A decryption that finishes after we gave up still hands back key material: wipe it then.
            _ = decrypting.ContinueWith(static t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            var kmsElapsed = Stopwatch.GetElapsedTime(kmsStarted);
            var failure = Failure(e, deadline, options, "key management service");
            return new AsherahHealthReport(
                keyId,
                AsherahComponent.KeyManagementService,
                $"The metastore answered in {Milliseconds(metastoreTime)}, but the key management service failed to decrypt system key {keyId}: {Reason(failure)}",
                failure,
                true,
                true,
                metastoreTime,
                kmsElapsed);
        }

        var kmsTime = Stopwatch.GetElapsedTime(kmsStarted);
        return new AsherahHealthReport(
            keyId, null, $"The metastore answered in {Milliseconds(metastoreTime)} and the key management service decrypted system key {keyId} in {Milliseconds(kmsTime)}.", null, true, true, metastoreTime, kmsTime);
    }

    /// <summary>The longest delay <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/> takes: 2^32 − 2 milliseconds.</summary>
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private static Exception Failure(Exception e, CancellationTokenSource deadline, AsherahHealthProbeOptions options, string part) =>
        e is OperationCanceledException && deadline.IsCancellationRequested
            ? new TimeoutException($"The {part} did not answer within {options.Timeout.TotalSeconds:0.###} s.", e)
            : e;

    private static string Reason(Exception e) => $"{e.GetType().Name}: {e.Message}";

    private static string Milliseconds(TimeSpan time) => $"{time.TotalMilliseconds:0.#} ms";
}

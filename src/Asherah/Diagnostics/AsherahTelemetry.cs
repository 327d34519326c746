namespace Asherah;

/// <summary>The names to subscribe to for Asherah's traces and metrics (OpenTelemetry <c>AddSource</c>, <c>AddMeter</c>).</summary>
/// <remarks>
/// <para>
/// Traces (<see cref="ActivitySourceName"/>): one span per metastore call (<c>asherah.metastore.load</c>,
/// <c>asherah.metastore.load_latest</c>, <c>asherah.metastore.store</c>), per key management service call
/// (<c>asherah.kms.encrypt</c>, <c>asherah.kms.decrypt</c>), and per key creation (<c>asherah.key.create</c>, the parent of
/// the calls that create and store the key). Cached keys are never traced, so encrypting and decrypting with warm caches
/// makes no spans. Failed calls have status <c>Error</c> and the exception's type in <c>error.type</c>; the exception's
/// message is not recorded (driver messages may quote key ids).
/// </para>
/// <para>
/// Attributes: <c>asherah.key.tier</c> (<c>system</c> or <c>intermediate</c>); <c>asherah.key.id</c> for system keys only
/// (<c>_SK_{service}_{product}</c>), never for intermediate keys, whose ids contain partition ids (often user ids);
/// <c>asherah.metastore.type</c> (the metastore's class, such as <c>SqlMetastore</c>); <c>asherah.metastore.found</c> on
/// loads; <c>asherah.metastore.stored</c> on stores (<see langword="false"/>: another writer stored that key first).
/// Database drivers with their own instrumentation (Npgsql's <c>db.system</c> spans) nest under these spans. Key material
/// is never recorded.
/// </para>
/// <para>
/// Metrics (<see cref="MeterName"/>): <c>asherah.metastore.operation.duration</c> and
/// <c>asherah.kms.operation.duration</c> (histograms in <c>s</c>, tagged <c>asherah.operation</c>,
/// <c>asherah.key.tier</c> and, on failure, <c>error.type</c>), besides the counters listed on the factory's meter
/// (<c>asherah.envelope.encryptions</c>, <c>asherah.keys.created</c>, ...). Secure memory reports on
/// <see cref="SecureMemoryMeterName"/>.
/// </para>
/// </remarks>
public static class AsherahTelemetry
{
    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/>: <c>Asherah</c>.</summary>
    public const string ActivitySourceName = "Asherah";

    /// <summary>The name of the factory's meter: <c>Asherah</c>.</summary>
    public const string MeterName = "Asherah";

    /// <summary>The name of the secure-memory meter: <c>Asherah.SecureMemory</c>.</summary>
    public const string SecureMemoryMeterName = "Asherah.SecureMemory";
}

namespace Asherah;

/// <summary>
/// Stores the encrypted system and intermediate key records, keyed by (key id, created).
/// </summary>
/// <remarks>
/// Every implementation passes the same contract suite. <see cref="StoreAsync"/> must be atomic on (id, created): when
/// two writers store the same pair, exactly one gets <see langword="true"/>; the other gets <see langword="false"/> and
/// re-loads the winner's record. Failures other than a duplicate throw <see cref="MetastoreException"/> (with
/// <see cref="MetastoreException.IsTransient"/> set when a retry may succeed). Any other exception an implementation
/// throws, except <see cref="OperationCanceledException"/>, reaches callers wrapped in a <see cref="MetastoreException"/>
/// that is not transient, with the original as its <see cref="Exception.InnerException"/>.
/// </remarks>
public interface IMetastore
{
    /// <summary>
    /// The region suffix appended to key ids (DynamoDB global tables), or <see langword="null"/> for none.
    /// </summary>
    string? KeySuffix { get; }

    /// <summary>Loads the record stored under exactly (<paramref name="keyId"/>, <paramref name="created"/>).</summary>
    /// <returns>
    /// The record, or <see langword="null"/> when there is none. A record whose <see cref="EnvelopeKeyRecord.Created"/>
    /// differs from <paramref name="created"/> is treated as missing.
    /// </returns>
    ValueTask<EnvelopeKeyRecord?> LoadAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default);

    /// <summary>Loads the most recently created record for <paramref name="keyId"/>.</summary>
    /// <remarks>
    /// The record's <see cref="EnvelopeKeyRecord.Created"/> must be the time it is stored under: new records refer to
    /// their key by it. A record created more than a few minutes ahead of the caller's clock is not used for writes.
    /// </remarks>
    /// <returns>The record, or <see langword="null"/> when there is none.</returns>
    ValueTask<EnvelopeKeyRecord?> LoadLatestAsync(string keyId, CancellationToken cancellationToken = default);

    /// <summary>Stores a record unless one exists for (<paramref name="keyId"/>, <paramref name="created"/>).</summary>
    /// <returns><see langword="true"/> when stored; <see langword="false"/> when the pair already existed.</returns>
    ValueTask<bool> StoreAsync(string keyId, DateTimeOffset created, EnvelopeKeyRecord record, CancellationToken cancellationToken = default);
}

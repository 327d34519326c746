using Asherah.Cli.KeyTools;

namespace Asherah.Cli.Rewrap;

/// <summary>What became of one input line.</summary>
internal enum RewrapOutcome
{
    Rewrapped,
    AlreadyCurrent,
    Failed,
    Blank,
}

/// <summary>
/// Rewraps one data row record (a line of JSON) through the SDK's <see cref="Session{TPayload, TDataRowRecord}.RewrapAsync"/>,
/// in the partition given or the one its intermediate key id names; keeps one session per partition seen (at most
/// <see cref="MaxSessions"/> at once).
/// </summary>
/// <remarks>
/// A record that cannot be rewrapped (not a record, another service's key, a key missing from the metastore, a wrapped
/// key that does not authenticate) is a <see cref="RewrapOutcome.Failed"/> with a reason free of key material. A failing
/// metastore or KMS is not the record's fault: its exception propagates and stops the run (which can then resume).
/// </remarks>
internal sealed class RecordRewrapper(SessionFactory factory, string? partitionId, PartitionIds partitions) : IDisposable
{
    /// <summary>Most sessions kept open; past it they are all closed and opened again as records need them.</summary>
    public const int MaxSessions = 256;

    private readonly Dictionary<string, BytesSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>Rewraps <paramref name="json"/> (a line without its terminator).</summary>
    /// <returns>The outcome, the new record's JSON when rewrapped, and the reason when failed.</returns>
    public async Task<(RewrapOutcome Outcome, byte[]? Json, string? Reason)> RewrapAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        var trimmed = json.Span.Trim(" \t\r"u8);
        if (trimmed.IsEmpty)
        {
            return (RewrapOutcome.Blank, null, null);
        }

        if (!DataRowRecord.TryParse(trimmed, out var record))
        {
            return (RewrapOutcome.Failed, null, "not a well-formed data row record");
        }

        string? partition = partitionId ?? partitions.PartitionOf(record.IntermediateKey.KeyId);
        if (partition is null || string.IsNullOrWhiteSpace(partition))
        {
            return (RewrapOutcome.Failed, null, $"its intermediate key id is not of service '{factory.ServiceId}' and product '{factory.ProductId}'");
        }

        try
        {
            var session = Session(partition);
            var rewrapped = await session.RewrapAsync(record, cancellationToken);
            return ReferenceEquals(rewrapped, record)
                ? (RewrapOutcome.AlreadyCurrent, null, null)
                : (RewrapOutcome.Rewrapped, rewrapped.ToUtf8Json(), null);
        }
        catch (DecryptionFailedException)
        {
            return (RewrapOutcome.Failed, null, "its data row key does not authenticate under its intermediate key");
        }
        catch (MetadataMissingException e)
        {
            return (RewrapOutcome.Failed, null, partitionId is null ? e.Message : $"{e.Message} (partition '{partitionId}')");
        }
        catch (ArgumentException e)
        {
            // An ill-formed partition id read from the record.
            return (RewrapOutcome.Failed, null, e.Message);
        }
    }

    public void Dispose()
    {
        foreach (var session in _sessions.Values)
        {
            session.Dispose();
        }

        _sessions.Clear();
    }

    private BytesSession Session(string partition)
    {
        if (_sessions.TryGetValue(partition, out var session))
        {
            return session;
        }

        if (_sessions.Count >= MaxSessions)
        {
            Dispose();
        }

        session = factory.GetSessionBytes(partition);
        _sessions.Add(partition, session);
        return session;
    }
}

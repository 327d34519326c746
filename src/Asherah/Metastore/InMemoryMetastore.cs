using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Asherah;

/// <summary>A metastore in process memory, for tests and samples. Records are lost when the process ends.</summary>
public sealed class InMemoryMetastore : IMetastore, IMetastoreCatalog, IKeyRevoker
{
    private readonly ConcurrentDictionary<string, SortedList<long, EnvelopeKeyRecord>> _keys = new(StringComparer.Ordinal);

    /// <summary>Creates an empty metastore without a key suffix.</summary>
    public InMemoryMetastore()
    {
    }

    /// <summary>Creates an empty metastore that reports <paramref name="keySuffix"/> (to test region suffixes).</summary>
    public InMemoryMetastore(string? keySuffix) => KeySuffix = string.IsNullOrEmpty(keySuffix) ? null : keySuffix;

    /// <inheritdoc />
    public string? KeySuffix { get; }

    /// <inheritdoc />
    public ValueTask<EnvelopeKeyRecord?> LoadAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        cancellationToken.ThrowIfCancellationRequested();
        EnvelopeKeyRecord? record = null;
        if (_keys.TryGetValue(keyId, out var versions))
        {
            lock (versions)
            {
                versions.TryGetValue(created.ToUnixTimeSeconds(), out record);
            }
        }

        return ValueTask.FromResult(record);
    }

    /// <inheritdoc />
    public ValueTask<EnvelopeKeyRecord?> LoadLatestAsync(string keyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        cancellationToken.ThrowIfCancellationRequested();
        EnvelopeKeyRecord? record = null;
        if (_keys.TryGetValue(keyId, out var versions))
        {
            lock (versions)
            {
                if (versions.Count > 0)
                {
                    record = versions.Values[versions.Count - 1];
                }
            }
        }

        return ValueTask.FromResult(record);
    }

    /// <inheritdoc />
    public ValueTask<bool> StoreAsync(string keyId, DateTimeOffset created, EnvelopeKeyRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        var versions = _keys.GetOrAdd(keyId, static _ => new SortedList<long, EnvelopeKeyRecord>());
        lock (versions)
        {
            return ValueTask.FromResult(versions.TryAdd(created.ToUnixTimeSeconds(), record));
        }
    }

    /// <summary>Replaces a stored record, as an operator revoking a key would (for tests).</summary>
    /// <returns><see langword="false"/> when no record exists for the pair.</returns>
    internal bool Replace(string keyId, DateTimeOffset created, EnvelopeKeyRecord record)
    {
        if (!_keys.TryGetValue(keyId, out var versions))
        {
            return false;
        }

        lock (versions)
        {
            long key = created.ToUnixTimeSeconds();
            if (!versions.ContainsKey(key))
            {
                return false;
            }

            versions[key] = record;
            return true;
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> RevokeAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_keys.TryGetValue(keyId, out var versions))
        {
            return ValueTask.FromResult(false);
        }

        lock (versions)
        {
            long key = created.ToUnixTimeSeconds();
            if (!versions.TryGetValue(key, out var record))
            {
                return ValueTask.FromResult(false);
            }

            versions[key] = record.WithRevoked(true);
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredKeyRecord> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var id in _keys.Keys.Order(StringComparer.Ordinal))
        {
            KeyValuePair<long, EnvelopeKeyRecord>[] snapshot;
            var versions = _keys[id];
            lock (versions)
            {
                snapshot = [.. versions];
            }

            foreach (var (created, record) in snapshot)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return new StoredKeyRecord(id, DateTimeOffset.FromUnixTimeSeconds(created), record);
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}

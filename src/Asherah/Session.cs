using Asherah.Envelope;
using Asherah.Internal;
using Asherah.KeyManagement;

namespace Asherah;

/// <summary>
/// Encrypts and decrypts the records of one partition (a user, a tenant). Get one from
/// <see cref="SessionFactory"/>, use it, dispose it.
/// </summary>
/// <typeparam name="TPayload">What the application encrypts.</typeparam>
/// <typeparam name="TDataRowRecord">The encrypted record the application keeps.</typeparam>
/// <remarks>
/// Sessions are thread-safe. Decrypting checks that the record belongs to this session's partition. A disposed session,
/// or a session of a disposed factory, throws <see cref="ObjectDisposedException"/>.
/// </remarks>
public abstract class Session<TPayload, TDataRowRecord> : IDisposable, IAsyncDisposable
    where TPayload : class
    where TDataRowRecord : class
{
    private readonly SessionFactory _factory;
    private readonly EnvelopeEncryption _envelope;
    private readonly bool _shared;
    private int _disposed;

    private protected Session(SessionFactory factory, EnvelopeEncryption envelope, bool shared)
    {
        _factory = factory;
        _envelope = envelope;
        _shared = shared;
    }

    /// <summary>The partition this session encrypts for.</summary>
    public string PartitionId => _envelope.Partition.PartitionId;

    /// <summary>The envelope, after checking neither this session nor its factory is disposed.</summary>
    private protected EnvelopeEncryption Envelope
    {
        get
        {
            if (Volatile.Read(ref _disposed) != 0 || _factory.IsDisposed || _envelope.IsDisposed)
            {
                throw new ObjectDisposedException(GetType().Name, "The session or its session factory has been disposed.");
            }

            return _envelope;
        }
    }

    /// <summary>The envelope without checks (for tests).</summary>
    internal EnvelopeEncryption EnvelopeForTests => _envelope;

    /// <summary>Encrypts a payload into a data row record.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="payload"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The payload is longer than <see cref="BytesSession.MaxPayloadLength"/> bytes (for a JSON session, its UTF-8 JSON;
    /// the exception is then an <see cref="ArgumentOutOfRangeException"/>), or a JSON payload nests deeper than
    /// <see cref="JsonSession.MaxDepth"/>.
    /// </exception>
    /// <exception cref="MetastoreException">The metastore failed while loading or storing a key.</exception>
    /// <exception cref="KmsException">The key management service failed.</exception>
    /// <exception cref="ObjectDisposedException">The session or its factory has been disposed.</exception>
    public abstract TDataRowRecord Encrypt(TPayload payload);

    /// <summary>Decrypts a data row record.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="dataRowRecord"/> is null.</exception>
    /// <exception cref="DecryptionFailedException">The record is malformed, tampered with, or under another key.</exception>
    /// <exception cref="MetadataMissingException">The record belongs to another partition, or its key is not in the metastore.</exception>
    /// <exception cref="ObjectDisposedException">The session or its factory has been disposed.</exception>
    public abstract TPayload Decrypt(TDataRowRecord dataRowRecord);

    /// <summary>Encrypts a payload; awaits the metastore and KMS only when keys are not cached.</summary>
    /// <inheritdoc cref="Encrypt(TPayload)" path="/exception" />
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> is cancelled (checked first, even when the keys are cached).</exception>
    public abstract ValueTask<TDataRowRecord> EncryptAsync(TPayload payload, CancellationToken cancellationToken = default);

    /// <summary>Decrypts a data row record; awaits the metastore and KMS only when keys are not cached.</summary>
    /// <inheritdoc cref="Decrypt(TDataRowRecord)" path="/exception" />
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> is cancelled (checked first, even when the keys are cached).</exception>
    public abstract ValueTask<TPayload> DecryptAsync(TDataRowRecord dataRowRecord, CancellationToken cancellationToken = default);

    /// <summary>
    /// The id of this partition's intermediate key (<c>_IK_{partition}_{service}_{product}[_{suffix}]</c>), as records
    /// name it in <see cref="DataRowRecord.IntermediateKey"/>.
    /// </summary>
    public string IntermediateKeyId => _envelope.Partition.IntermediateKeyId;

    /// <summary>
    /// Re-encrypts a record's data row key under this partition's current intermediate key, without touching the data:
    /// the result's <see cref="DataRowRecord.Data"/> is the same bytes.
    /// </summary>
    /// <remarks>
    /// For applications that re-key stored records after a rotation or revocation. The current intermediate key is the
    /// one an encrypt would use now: when the newest is expired or revoked, a new one is created first. A record already
    /// under that key is returned as is (the same instance). The data is neither decrypted nor checked; only the wrapped
    /// key is authenticated. Blocks on key loads on a cache miss, as <see cref="Encrypt(TPayload)"/> does.
    /// </remarks>
    /// <returns>A new record under the current intermediate key, or <paramref name="dataRowRecord"/> when already under it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dataRowRecord"/> is null.</exception>
    /// <exception cref="DecryptionFailedException">The wrapped data row key does not authenticate under its intermediate key.</exception>
    /// <exception cref="MetadataMissingException">The record belongs to another partition, or its key is not in the metastore.</exception>
    /// <exception cref="MetastoreException">The metastore failed while loading or storing a key.</exception>
    /// <exception cref="KmsException">The key management service failed.</exception>
    /// <exception cref="ObjectDisposedException">The session or its factory has been disposed.</exception>
    public DataRowRecord Rewrap(DataRowRecord dataRowRecord)
    {
        ArgumentNullException.ThrowIfNull(dataRowRecord);
        return SyncOverAsync.Run(
            (Envelope, Record: dataRowRecord),
            static s => s.Envelope.RewrapAsync(s.Record, CancellationToken.None));
    }

    /// <summary>Re-encrypts a record's data row key under this partition's current intermediate key; <c>Data</c> stays byte-identical.</summary>
    /// <inheritdoc cref="Rewrap(DataRowRecord)" path="/remarks" />
    /// <inheritdoc cref="Rewrap(DataRowRecord)" path="/returns" />
    /// <inheritdoc cref="Rewrap(DataRowRecord)" path="/exception" />
    public ValueTask<DataRowRecord> RewrapAsync(DataRowRecord dataRowRecord, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataRowRecord);
        return Envelope.RewrapAsync(dataRowRecord, cancellationToken);
    }

    /// <summary>Loads a record from <paramref name="persistence"/> and decrypts it; <see langword="null"/> when not found.</summary>
    /// <remarks>
    /// Blocks on the persistence (and on key loads on a cache miss); the asynchronous work runs without the caller's
    /// <see cref="SynchronizationContext"/>, so a persistence that awaits without <c>ConfigureAwait(false)</c> does not
    /// deadlock a UI or classic ASP.NET thread. The same holds for <c>Store</c>.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="persistenceKey"/> or <paramref name="persistence"/> is null.</exception>
    /// <inheritdoc cref="Decrypt(TDataRowRecord)" path="/exception" />
    public TPayload? Load(string persistenceKey, Persistence<TDataRowRecord> persistence)
    {
        ArgumentNullException.ThrowIfNull(persistenceKey);
        ArgumentNullException.ThrowIfNull(persistence);
        return SyncOverAsync.Run(
            (Self: this, Key: persistenceKey, Persistence: persistence),
            static s => s.Self.LoadCoreAsync(s.Key, s.Persistence, CancellationToken.None));
    }

    /// <summary>Loads a record from <paramref name="persistence"/> and decrypts it; <see langword="null"/> when not found.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="persistenceKey"/> or <paramref name="persistence"/> is null.</exception>
    /// <inheritdoc cref="Decrypt(TDataRowRecord)" path="/exception" />
    public ValueTask<TPayload?> LoadAsync(string persistenceKey, Persistence<TDataRowRecord> persistence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceKey);
        ArgumentNullException.ThrowIfNull(persistence);
        return LoadCoreAsync(persistenceKey, persistence, cancellationToken);
    }

    /// <summary>Encrypts a payload and stores it under a generated key, which it returns.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="payload"/> or <paramref name="persistence"/> is null.</exception>
    /// <inheritdoc cref="Encrypt(TPayload)" path="/exception" />
    public string Store(TPayload payload, Persistence<TDataRowRecord> persistence)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(persistence);
        return SyncOverAsync.Run(
            (Self: this, Payload: payload, Persistence: persistence),
            static s => s.Self.StoreCoreAsync(s.Payload, s.Persistence, CancellationToken.None));
    }

    /// <summary>Encrypts a payload and stores it under <paramref name="persistenceKey"/>.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <inheritdoc cref="Encrypt(TPayload)" path="/exception" />
    public void Store(string persistenceKey, TPayload payload, Persistence<TDataRowRecord> persistence)
    {
        ArgumentNullException.ThrowIfNull(persistenceKey);
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(persistence);
        SyncOverAsync.Run(
            (Self: this, Key: persistenceKey, Payload: payload, Persistence: persistence),
            static s => s.Self.StoreCoreAsync(s.Key, s.Payload, s.Persistence, CancellationToken.None));
    }

    /// <summary>Encrypts a payload and stores it under a generated key, which it returns.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="payload"/> or <paramref name="persistence"/> is null.</exception>
    /// <inheritdoc cref="Encrypt(TPayload)" path="/exception" />
    public ValueTask<string> StoreAsync(TPayload payload, Persistence<TDataRowRecord> persistence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(persistence);
        return StoreCoreAsync(payload, persistence, cancellationToken);
    }

    /// <summary>Encrypts a payload and stores it under <paramref name="persistenceKey"/>.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <inheritdoc cref="Encrypt(TPayload)" path="/exception" />
    public ValueTask StoreAsync(string persistenceKey, TPayload payload, Persistence<TDataRowRecord> persistence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceKey);
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(persistence);
        return StoreCoreAsync(persistenceKey, payload, persistence, cancellationToken);
    }

    private async ValueTask<TPayload?> LoadCoreAsync(string persistenceKey, Persistence<TDataRowRecord> persistence, CancellationToken cancellationToken)
    {
        // Before the persistence is asked: a record it does not find must not hide the disposal or the cancellation.
        _ = Envelope;
        cancellationToken.ThrowIfCancellationRequested();
        var record = await persistence.LoadAsync(persistenceKey, cancellationToken).ConfigureAwait(false);
        return record is null ? null : await DecryptAsync(record, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<string> StoreCoreAsync(TPayload payload, Persistence<TDataRowRecord> persistence, CancellationToken cancellationToken)
    {
        var record = await EncryptAsync(payload, cancellationToken).ConfigureAwait(false);
        string key = persistence.GenerateKey(record);
        await persistence.StoreAsync(key, record, cancellationToken).ConfigureAwait(false);
        return key;
    }

    private async ValueTask StoreCoreAsync(string persistenceKey, TPayload payload, Persistence<TDataRowRecord> persistence, CancellationToken cancellationToken)
    {
        var record = await EncryptAsync(payload, cancellationToken).ConfigureAwait(false);
        await persistence.StoreAsync(persistenceKey, record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Releases the session: wipes its intermediate keys, or, when sessions are cached, hands them back to the cache.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_shared)
        {
            _factory.ReleaseShared(_envelope);
        }
        else
        {
            _factory.ReleaseOwned(_envelope);
        }

        GC.SuppressFinalize(this);
    }

    /// <inheritdoc cref="Dispose" />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}

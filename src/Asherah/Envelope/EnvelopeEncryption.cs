using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Asherah.Crypto;
using Asherah.Diagnostics;
using Asherah.Errors;
using Asherah.Internal;
using Asherah.KeyManagement;
using Asherah.Keys;

namespace Asherah.Envelope;

/// <summary>
/// Encrypts and decrypts the data row records of one partition: the algorithm at the heart of Asherah.
/// </summary>
/// <remarks>
/// <code>
/// encrypt(payload): ik = newest valid intermediate key; drk = random(32)
///                   drr = {"Key": {"Created": now, "Key": b64(aead(drk, ik)), "ParentKeyMeta": {ik-id, ik-created}},
///                          "Data": b64(aead(payload, drk))}
/// decrypt(drr):     check ParentKeyMeta.KeyId belongs to this partition; ik = key (ik-id, ik-created)
///                   drk = open(Key, ik); payload = open(Data, drk)
/// </code>
/// With warm caches neither path awaits, locks or allocates beyond the result; the data row key lives on the stack and
/// is wiped. Thread-safe.
/// </remarks>
internal sealed partial class EnvelopeEncryption : IDisposable
{
    private const int StackLimit = 4096;

    private readonly KeyContext _context;
    private readonly Partition _partition;
    private readonly IntermediateKeyRing _keys;
    private KeyTail? _tail;
    private volatile bool _disposed;

    public EnvelopeEncryption(KeyContext context, Partition partition, SystemKeyRing systemKeys)
    {
        _context = context;
        _partition = partition;
        _keys = new IntermediateKeyRing(context, partition, systemKeys);
    }

    public Partition Partition => _partition;

    internal IntermediateKeyRing IntermediateKeys => _keys;

    public bool IsDisposed => _disposed;

    /// <summary>Largest record a payload of <paramref name="payloadLength"/> bytes can produce.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The payload is longer than <see cref="DataRowRecordFormat.MaxPayloadLength"/>.</exception>
    public int GetMaxEncryptedLength(int payloadLength)
    {
        int sealedLength = SealedLength(payloadLength);
        try
        {
            return DataRowRecordFormat.MaxLength(sealedLength, _partition.IntermediateKeyId);
        }
        catch (OverflowException)
        {
            throw Error.RecordTooLarge();
        }
    }

    public byte[] Encrypt(ReadOnlySpan<byte> payload)
    {
        CheckPayloadLength(payload.Length);
        var now = _context.Time.GetUtcNow();
        using var ik = LeaseForWrite(now);
        return EncryptWith(ik.Key, payload, now.ToUnixTimeSeconds());
    }

    public async ValueTask<byte[]> EncryptAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        // Checked even when the keys are cached and nothing would await: a cancelled caller gets no record.
        cancellationToken.ThrowIfCancellationRequested();
        CheckPayloadLength(payload.Length);
        var now = _context.Time.GetUtcNow();
        using var ik = new KeyLease(_keys.TryGetForWrite(now) ?? await _keys.GetForWriteAsync(cancellationToken).ConfigureAwait(false));
        return EncryptWith(ik.Key, payload.Span, now.ToUnixTimeSeconds());
    }

    public bool TryEncrypt(ReadOnlySpan<byte> payload, Span<byte> destination, out int bytesWritten)
    {
        CheckPayloadLength(payload.Length);
        var now = _context.Time.GetUtcNow();
        using var ik = LeaseForWrite(now);
        long drkCreated = now.ToUnixTimeSeconds();
        var tail = TailFor(ik.Key);
        if (destination.Length < RecordLength(payload.Length, drkCreated, tail.Length))
        {
            bytesWritten = 0;
            return false;
        }

        bytesWritten = Write(ik.Key, tail, payload, drkCreated, destination);
        return true;
    }

    public byte[] Decrypt(ReadOnlySpan<byte> drr)
    {
        var view = Parse(drr);
        using var ik = LeaseForRead(ref view);
        return DecryptWith(ik.Key, view);
    }

    public ValueTask<byte[]> DecryptAsync(ReadOnlyMemory<byte> drr, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<byte[]>(cancellationToken);
        }

        // Warm caches: parse once and finish synchronously; otherwise await the key, then parse again.
        var view = Parse(drr.Span);
        var cached = TryGetForRead(ref view);
        if (cached is null)
        {
            return DecryptSlowAsync(drr, view.IntermediateKeyId.ToArray(), view.IntermediateKeyCreated, cancellationToken);
        }

        using var ik = new KeyLease(cached);
        return ValueTask.FromResult(DecryptWith(ik.Key, view));
    }

    public bool TryDecrypt(ReadOnlySpan<byte> drr, Span<byte> destination, out int bytesWritten)
    {
        var view = Parse(drr);
        int length = PlaintextLength(view);
        if (destination.Length < length)
        {
            bytesWritten = 0;
            return false;
        }

        using var ik = LeaseForRead(ref view);
        bytesWritten = Open(ik.Key, view, destination[..length]);
        return true;
    }

    public void Dispose()
    {
        _disposed = true;
        _keys.Dispose();
    }

    /// <summary>Bytes of the sealed payload: the payload and the AEAD overhead.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The payload is longer than <see cref="DataRowRecordFormat.MaxPayloadLength"/>.</exception>
    private static int SealedLength(int payloadLength)
    {
        CheckPayloadLength(payloadLength);
        return payloadLength + AeadBlob.Overhead;
    }

    /// <summary>Refuses a payload too long for a record, before any key is loaded or buffer allocated.</summary>
    private static void CheckPayloadLength(int payloadLength)
    {
        if ((uint)payloadLength > DataRowRecordFormat.MaxPayloadLength)
        {
            throw Error.PayloadTooLarge(payloadLength, DataRowRecordFormat.MaxPayloadLength);
        }
    }

    /// <summary>Exact record length; a record too large for an array (a partition id of hundreds of megabytes) is refused.</summary>
    private static int RecordLength(int payloadLength, long drkCreated, int tailLength)
    {
        int sealedLength = SealedLength(payloadLength);
        try
        {
            int length = DataRowRecordFormat.Length(sealedLength, drkCreated, tailLength);
            return length <= Array.MaxLength ? length : throw Error.RecordTooLarge();
        }
        catch (OverflowException)
        {
            throw Error.RecordTooLarge();
        }
    }

    /// <summary>Bytes of the plaintext behind a record's data; a malformed length fails like any other bad record.</summary>
    private static int PlaintextLength(DataRowRecordView view)
    {
        int length = DataRowRecordFormat.DecodedLength(view.Data) - AeadBlob.Overhead;
        return length >= 0 ? length : throw Error.DecryptionFailed();
    }

    /// <summary>The compact layout of our own partition without a JSON reader; anything else through the reader.</summary>
    private DataRowRecordView Parse(ReadOnlySpan<byte> drr) =>
        DataRowRecordReader.TryParseCompact(drr, _partition.IntermediateKeyIdUtf8, out var view) ? view : DataRowRecordReader.Parse(drr);

    /// <summary>The intermediate key for a write: cached, or loaded for a synchronous caller.</summary>
    private KeyLease LeaseForWrite(DateTimeOffset now) =>
        new(_keys.TryGetForWrite(now) ?? SyncOverAsync.Run(_keys, static keys => keys.GetForWriteAsync(CancellationToken.None)));

    /// <summary>The intermediate key of a record: cached, or loaded for a synchronous caller.</summary>
    private KeyLease LeaseForRead(ref DataRowRecordView view) =>
        new(TryGetForRead(ref view) ?? SyncOverAsync.Run(
            (Self: this, KeyId: view.IntermediateKeyId.ToArray(), Created: view.IntermediateKeyCreated),
            static s => s.Self.GetForReadAsync(s.KeyId, s.Created, CancellationToken.None)));

    private async ValueTask<byte[]> DecryptSlowAsync(ReadOnlyMemory<byte> drr, byte[] keyId, long created, CancellationToken cancellationToken)
    {
        using var ik = new KeyLease(await GetForReadAsync(keyId, created, cancellationToken).ConfigureAwait(false));
        return DecryptWith(ik.Key, Parse(drr.Span));
    }

    /// <summary>Checks the record belongs to this partition; returns a fresh cached key or null.</summary>
    private CryptoKey? TryGetForRead(ref DataRowRecordView view)
    {
        if (!view.HasParentKeyMeta)
        {
            throw Error.MalformedDataRowRecord();
        }

        if (!_partition.IsValidIntermediateKeyId(view.IntermediateKeyId))
        {
            throw Error.ForeignPartition();
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        return view.IntermediateKeyId.SequenceEqual(_partition.IntermediateKeyIdUtf8) ? _keys.TryGet(view.IntermediateKeyCreated, _context.Time.GetUtcNow()) : null;
    }

    private async ValueTask<CryptoKey> GetForReadAsync(byte[] keyIdUtf8, long created, CancellationToken cancellationToken)
    {
        string keyId = keyIdUtf8.AsSpan().SequenceEqual(_partition.IntermediateKeyIdUtf8)
            ? _partition.IntermediateKeyId
            : System.Text.Encoding.UTF8.GetString(keyIdUtf8);
        var key = await _keys.GetAsync(keyId, created, cancellationToken).ConfigureAwait(false);
        if (_context.Policy.NotifyExpiredIntermediateKeyOnRead && _context.IsInvalidForWrite(key, _context.Time.GetUtcNow()))
        {
            Log.ExpiredKeyRead(_context.Logger, "intermediate", keyId, created);
        }

        return key;
    }

    private byte[] EncryptWith(CryptoKey ik, ReadOnlySpan<byte> payload, long drkCreated)
    {
        var tail = TailFor(ik);
        var record = GC.AllocateUninitializedArray<byte>(RecordLength(payload.Length, drkCreated, tail.Length));
        Write(ik, tail, payload, drkCreated, record);
        _context.Metrics.Encryptions.Add(1);
        return record;
    }

    /// <summary>Seals the payload under a fresh data row key, wraps that key with the intermediate key, writes the record.</summary>
    [SkipLocalsInit]
    private int Write(CryptoKey ik, byte[] tail, ReadOnlySpan<byte> payload, long drkCreated, Span<byte> destination)
    {
        Span<byte> drk = stackalloc byte[AesGcmEngine.KeySize];
        Span<byte> wrapped = stackalloc byte[DataRowRecordFormat.WrappedKeyLength];
        using var sealedPayload = new ScratchBuffer(stackalloc byte[StackLimit], SealedLength(payload.Length));
        try
        {
            CryptoKey.GenerateRawKey(drk);
            ik.Seal(drk, wrapped);

            // Seal into scratch, then base64-encode into the record (the in-place encoder is not vectorised).
            AeadBlob.SealWithRawKey(_context.Engine, drk, payload, sealedPayload.Span);
            return DataRowRecordFormat.Write(destination, drkCreated, wrapped, tail, sealedPayload.Span);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(drk);
        }
    }

    private byte[] DecryptWith(CryptoKey ik, DataRowRecordView view)
    {
        var plaintext = GC.AllocateUninitializedArray<byte>(PlaintextLength(view));
        Open(ik, view, plaintext);
        _context.Metrics.Decryptions.Add(1);
        return plaintext;
    }

    /// <summary>Unwraps the data row key with the intermediate key and opens the data into <paramref name="plaintext"/>.</summary>
    [SkipLocalsInit]
    private int Open(CryptoKey ik, DataRowRecordView view, Span<byte> plaintext)
    {
        Span<byte> wrapped = stackalloc byte[DataRowRecordFormat.WrappedKeyLength];
        if (view.WrappedKey.Length != DataRowRecordFormat.WrappedKeyBase64Length
            || Base64.DecodeFromUtf8(view.WrappedKey, wrapped, out _, out int wrappedLength) != OperationStatus.Done
            || wrappedLength != wrapped.Length)
        {
            throw Error.DecryptionFailed();
        }

        using var sealedPayload = new ScratchBuffer(stackalloc byte[StackLimit], plaintext.Length + AeadBlob.Overhead);
        Span<byte> drk = stackalloc byte[AesGcmEngine.KeySize];
        try
        {
            if (Base64.DecodeFromUtf8(view.Data, sealedPayload.Span, out _, out int decoded) != OperationStatus.Done || decoded != sealedPayload.Span.Length)
            {
                throw Error.DecryptionFailed();
            }

            if (!ik.TryOpen(wrapped, drk) || !AeadBlob.TryOpenWithRawKey(_context.Engine, drk, sealedPayload.Span, plaintext))
            {
                throw Error.DecryptionFailed();
            }

            return plaintext.Length;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(drk);
        }
    }

    private byte[] TailFor(CryptoKey ik)
    {
        var tail = _tail;
        if (tail is null || tail.Created != ik.Created)
        {
            tail = new KeyTail(ik.Created, DataRowRecordFormat.BuildKeyTail(_partition.IntermediateKeyId, ik.Created));
            _tail = tail;
        }

        return tail.Bytes;
    }

    private sealed record KeyTail(long Created, byte[] Bytes);
}

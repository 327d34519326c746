using System.Buffers.Text;
using System.Buffers;
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
internal sealed class EnvelopeEncryption : IDisposable
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
        _keys = new IntermediateKeyRing(context, partition.IntermediateKeyId, systemKeys);
    }

    public Partition Partition => _partition;

    internal IntermediateKeyRing IntermediateKeys => _keys;

    public bool IsDisposed => _disposed;

    /// <summary>Largest record a payload of <paramref name="payloadLength"/> bytes can produce.</summary>
    public int GetMaxEncryptedLength(int payloadLength) =>
        DataRowRecordFormat.MaxLength(payloadLength, _partition.IntermediateKeyId);

    public byte[] Encrypt(ReadOnlySpan<byte> payload)
    {
        var now = _context.Time.GetUtcNow();
        var ik = _keys.TryGetForWrite(now) ?? Wait(_keys.GetForWriteAsync(CancellationToken.None));
        try
        {
            return EncryptWith(ik, payload, now.ToUnixTimeSeconds());
        }
        finally
        {
            ik.Release();
        }
    }

    public async ValueTask<byte[]> EncryptAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var now = _context.Time.GetUtcNow();
        var ik = _keys.TryGetForWrite(now) ?? await _keys.GetForWriteAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return EncryptWith(ik, payload.Span, now.ToUnixTimeSeconds());
        }
        finally
        {
            ik.Release();
        }
    }

    public bool TryEncrypt(ReadOnlySpan<byte> payload, Span<byte> destination, out int bytesWritten)
    {
        var now = _context.Time.GetUtcNow();
        var ik = _keys.TryGetForWrite(now) ?? Wait(_keys.GetForWriteAsync(CancellationToken.None));
        try
        {
            long drkCreated = now.ToUnixTimeSeconds();
            var tail = TailFor(ik);
            int length = DataRowRecordFormat.Length(payload.Length, drkCreated, tail.Length);
            if (destination.Length < length)
            {
                bytesWritten = 0;
                return false;
            }

            bytesWritten = Write(ik, tail, payload, drkCreated, destination);
            return true;
        }
        finally
        {
            ik.Release();
        }
    }

    public byte[] Decrypt(ReadOnlySpan<byte> drr)
    {
        var view = Parse(drr);
        var ik = TryGetForRead(ref view) ?? Wait(GetForReadAsync(view.IntermediateKeyId.ToArray(), view.IntermediateKeyCreated, CancellationToken.None));
        try
        {
            return DecryptWith(ik, view);
        }
        finally
        {
            ik.Release();
        }
    }

    public ValueTask<byte[]> DecryptAsync(ReadOnlyMemory<byte> drr, CancellationToken cancellationToken)
    {
        // Warm caches: parse once and finish synchronously; otherwise await the key, then parse again.
        var view = Parse(drr.Span);
        var ik = TryGetForRead(ref view);
        if (ik is null)
        {
            return DecryptSlowAsync(drr, view.IntermediateKeyId.ToArray(), view.IntermediateKeyCreated, cancellationToken);
        }

        try
        {
            return ValueTask.FromResult(DecryptWith(ik, view));
        }
        finally
        {
            ik.Release();
        }
    }

    public bool TryDecrypt(ReadOnlySpan<byte> drr, Span<byte> destination, out int bytesWritten)
    {
        var view = Parse(drr);
        int length = DataRowRecordFormat.DecodedLength(view.Data) - AeadBlob.Overhead;
        if (length < 0)
        {
            throw Error.DecryptionFailed();
        }

        if (destination.Length < length)
        {
            bytesWritten = 0;
            return false;
        }

        var ik = TryGetForRead(ref view) ?? Wait(GetForReadAsync(view.IntermediateKeyId.ToArray(), view.IntermediateKeyCreated, CancellationToken.None));
        try
        {
            bytesWritten = Open(ik, view, destination[..length]);
            return true;
        }
        finally
        {
            ik.Release();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _keys.Dispose();
    }

    /// <summary>The compact layout of our own partition without a JSON reader; anything else through the reader.</summary>
    private DataRowRecordView Parse(ReadOnlySpan<byte> drr) =>
        DataRowRecordReader.TryParseCompact(drr, _partition.IntermediateKeyIdUtf8, out var view) ? view : DataRowRecordReader.Parse(drr);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T Wait<T>(ValueTask<T> pending) =>
        pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    private async ValueTask<byte[]> DecryptSlowAsync(ReadOnlyMemory<byte> drr, byte[] keyId, long created, CancellationToken cancellationToken)
    {
        var ik = await GetForReadAsync(keyId, created, cancellationToken).ConfigureAwait(false);
        try
        {
            return DecryptWith(ik, Parse(drr.Span));
        }
        finally
        {
            ik.Release();
        }
    }

    /// <summary>Checks the record belongs to this partition; returns a fresh cached key or null.</summary>
    private CryptoKey? TryGetForRead(ref DataRowRecordView view)
    {
        if (!view.HasParentKeyMeta)
        {
            throw Error.ForeignPartition();
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
        var record = GC.AllocateUninitializedArray<byte>(DataRowRecordFormat.Length(payload.Length, drkCreated, tail.Length));
        Write(ik, tail, payload, drkCreated, record);
        _context.Metrics.Encryptions.Add(1);
        return record;
    }

    [SkipLocalsInit]
    private int Write(CryptoKey ik, byte[] tail, ReadOnlySpan<byte> payload, long drkCreated, Span<byte> destination)
    {
        Span<byte> drk = stackalloc byte[AesGcmEngine.KeySize];
        Span<byte> wrapped = stackalloc byte[AesGcmEngine.KeySize + AeadBlob.Overhead];
        try
        {
            CryptoKey.GenerateRawKey(drk);
            ik.Seal(drk, wrapped);

            int n = JsonText.WriteAscii(DataRowRecordFormat.Head, destination);
            n += JsonText.WriteInt64(drkCreated, destination[n..]);
            n += JsonText.WriteAscii(DataRowRecordFormat.KeyField, destination[n..]);
            Base64.EncodeToUtf8(wrapped, destination[n..], out _, out int keyChars);
            n += keyChars;
            n += JsonText.WriteAscii(tail, destination[n..]);

            // Seal into a scratch buffer, then base64-encode into the record (the in-place encoder is not vectorised).
            int blobLength = payload.Length + AeadBlob.Overhead;
            byte[]? rented = null;
            Span<byte> blob = blobLength <= StackLimit
                ? stackalloc byte[StackLimit]
                : (rented = ArrayPool<byte>.Shared.Rent(blobLength));
            blob = blob[..blobLength];
            AeadBlob.SealWithRawKey(_context.Engine, drk, payload, blob);
            Base64.EncodeToUtf8(blob, destination[n..], out _, out int dataChars);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }

            n += dataChars;
            n += JsonText.WriteAscii(DataRowRecordFormat.End, destination[n..]);
            return n;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(drk);
        }
    }

    private byte[] DecryptWith(CryptoKey ik, DataRowRecordView view)
    {
        int length = DataRowRecordFormat.DecodedLength(view.Data) - AeadBlob.Overhead;
        if (length < 0)
        {
            throw Error.DecryptionFailed();
        }

        var plaintext = GC.AllocateUninitializedArray<byte>(length);
        Open(ik, view, plaintext);
        _context.Metrics.Decryptions.Add(1);
        return plaintext;
    }

    [SkipLocalsInit]
    private int Open(CryptoKey ik, DataRowRecordView view, Span<byte> plaintext)
    {
        Span<byte> wrapped = stackalloc byte[AesGcmEngine.KeySize + AeadBlob.Overhead];
        if (view.WrappedKey.Length != DataRowRecordFormat.WrappedKeyBase64Length
            || Base64.DecodeFromUtf8(view.WrappedKey, wrapped, out _, out int wrappedLength) != OperationStatus.Done
            || wrappedLength != wrapped.Length)
        {
            throw Error.DecryptionFailed();
        }

        int blobLength = plaintext.Length + AeadBlob.Overhead;
        byte[]? rented = null;
        Span<byte> blob = blobLength <= StackLimit
            ? stackalloc byte[StackLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(blobLength));
        blob = blob[..blobLength];
        Span<byte> drk = stackalloc byte[AesGcmEngine.KeySize];
        try
        {
            if (Base64.DecodeFromUtf8(view.Data, blob, out _, out int decoded) != OperationStatus.Done || decoded != blobLength)
            {
                throw Error.DecryptionFailed();
            }

            if (!ik.TryOpen(wrapped, drk) || !AeadBlob.TryOpenWithRawKey(_context.Engine, drk, blob, plaintext))
            {
                throw Error.DecryptionFailed();
            }

            return plaintext.Length;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(drk);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
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

using System.Security.Cryptography;
using System.Text;
using Asherah.Crypto;
using Asherah.Errors;
using Asherah.Keys;

namespace Asherah.Envelope;

/// <summary>Re-wrapping a record's data row key under the partition's current intermediate key.</summary>
/// <remarks>
/// <code>
/// rewrap(drr): check ParentKeyMeta.KeyId belongs to this partition; ik' = newest valid intermediate key (as encrypt)
///              if (ik-id, ik-created) = ik' then drr (already current)
///              drk = open(Key, ik); drr' = {"Key": {"Created": drk-created, "Key": b64(aead(drk, ik')),
///                                                   "ParentKeyMeta": {ik'-id, ik'-created}}, "Data": Data}
/// </code>
/// <c>Data</c> is never opened nor copied: the new record shares its bytes. The data row key lives on the stack and is
/// wiped. Authenticating the wrapped key under the old intermediate key is the only check: a record whose data was
/// tampered with re-wraps and still fails to decrypt.
/// </remarks>
internal sealed partial class EnvelopeEncryption
{
    public async ValueTask<DataRowRecord> RewrapAsync(DataRowRecord record, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var source = record.IntermediateKey;
        var sourceIdUtf8 = Encoding.UTF8.GetBytes(source.KeyId);
        if (!_partition.IsValidIntermediateKeyId(sourceIdUtf8))
        {
            throw Error.ForeignPartition();
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        var now = _context.Time.GetUtcNow();
        using var target = new KeyLease(_keys.TryGetForWrite(now) ?? await _keys.GetForWriteAsync(cancellationToken).ConfigureAwait(false));
        long sourceCreated = source.Created.ToUnixTimeSeconds();
        if (target.Key.Created == sourceCreated && string.Equals(source.KeyId, _partition.IntermediateKeyId, StringComparison.Ordinal))
        {
            return record;
        }

        var cached = sourceIdUtf8.AsSpan().SequenceEqual(_partition.IntermediateKeyIdUtf8) ? _keys.TryGet(sourceCreated, now) : null;
        using var old = new KeyLease(cached ?? await GetForReadAsync(sourceIdUtf8, sourceCreated, cancellationToken).ConfigureAwait(false));
        var wrapped = Rewrap(old.Key, target.Key, record.Key.EncryptedKey.Span);
        var meta = new KeyMeta(_partition.IntermediateKeyId, DateTimeOffset.FromUnixTimeSeconds(target.Key.Created));
        return new DataRowRecord(new EnvelopeKeyRecord(record.Key.Created, wrapped, meta, revoked: null), record.Data);
    }

    /// <summary>Opens the wrapped data row key with <paramref name="from"/> and seals it with <paramref name="to"/>.</summary>
    private static byte[] Rewrap(CryptoKey from, CryptoKey to, ReadOnlySpan<byte> wrapped)
    {
        if (wrapped.Length != DataRowRecordFormat.WrappedKeyLength)
        {
            throw Error.DecryptionFailed();
        }

        Span<byte> drk = stackalloc byte[AesGcmEngine.KeySize];
        try
        {
            if (!from.TryOpen(wrapped, drk))
            {
                throw Error.DecryptionFailed();
            }

            var rewrapped = new byte[DataRowRecordFormat.WrappedKeyLength];
            to.Seal(drk, rewrapped);
            return rewrapped;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(drk);
        }
    }
}

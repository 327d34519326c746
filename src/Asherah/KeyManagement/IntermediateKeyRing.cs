using System.Security.Cryptography;
using Asherah.Crypto;
using Asherah.Diagnostics;
using Asherah.Errors;
using Asherah.Keys;

namespace Asherah.KeyManagement;

/// <summary>The intermediate keys of one partition, encrypted by the factory's system keys.</summary>
/// <remarks>
/// <c>ik-record := {"Created": minute, "Key": b64(aead(ik, sk)), "ParentKeyMeta": {"KeyId": sk-id, "Created": sk-created}, "Revoked": false}</c>
/// <para>
/// A record is used only when its <c>sk-id</c> is this factory's own (<see cref="Partition.IsValidSystemKeyId"/>): a
/// newest record under another parent is rotated past, and reading one fails with <see cref="MetadataMissingException"/>.
/// </para>
/// </remarks>
internal sealed class IntermediateKeyRing(KeyContext context, Partition partition, SystemKeyRing systemKeys)
    : KeyRing(context, partition.IntermediateKeyId, context.Policy.CacheIntermediateKeys ? KeyCache.ForIntermediateKeys : null)
{
    protected override string Tier => "intermediate";

    protected override async ValueTask<Loaded?> TryUseLatestAsync(EnvelopeKeyRecord record, CancellationToken cancellationToken)
    {
        // A valid intermediate key under an expired, revoked or missing system key is rotated too.
        var parent = record.ParentKeyMeta;
        if (parent is null)
        {
            return null;
        }

        if (!partition.IsValidSystemKeyId(parent.KeyId))
        {
            Log.ForeignParentKey(Context.Logger, KeyId, record.Created.ToUnixTimeSeconds());
            return null;
        }

        CryptoKey systemKey;
        try
        {
            systemKey = await systemKeys.GetAsync(parent.KeyId, parent.Created.ToUnixTimeSeconds(), cancellationToken).ConfigureAwait(false);
        }
        catch (MetadataMissingException)
        {
            Log.ParentKeyUnusable(Context.Logger, parent.KeyId, parent.Created.ToUnixTimeSeconds());
            return null;
        }

        try
        {
            if (Context.IsInvalidForWrite(systemKey, Context.Time.GetUtcNow()))
            {
                Log.ParentKeyUnusable(Context.Logger, parent.KeyId, parent.Created.ToUnixTimeSeconds());
                return null;
            }
        }
        finally
        {
            systemKey.Release();
        }

        return await DecryptOrReuseAsync(record, cancellationToken).ConfigureAwait(false);
    }

    protected override async ValueTask<CryptoKey> DecryptRecordAsync(string keyId, EnvelopeKeyRecord record, CancellationToken cancellationToken)
    {
        var parent = record.ParentKeyMeta ?? throw Error.ParentKeyMetaMissing(keyId);
        if (!partition.IsValidSystemKeyId(parent.KeyId))
        {
            throw Error.ForeignParentKey(keyId, record.Created.ToUnixTimeSeconds());
        }

        long parentCreated = parent.Created.ToUnixTimeSeconds();
        var systemKey = await systemKeys.GetAsync(parent.KeyId, parentCreated, cancellationToken).ConfigureAwait(false);
        try
        {
            if (Context.Policy.NotifyExpiredSystemKeyOnRead && Context.IsInvalidForWrite(systemKey, Context.Time.GetUtcNow()))
            {
                Log.ExpiredKeyRead(Context.Logger, "system", parent.KeyId, parentCreated);
            }

            return Unwrap(systemKey, record);
        }
        finally
        {
            systemKey.Release();
        }
    }

    protected override async ValueTask<(CryptoKey Key, EnvelopeKeyRecord Record)> CreateAsync(long created, CancellationToken cancellationToken)
    {
        var systemKey = await systemKeys.GetForWriteAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (key, encrypted) = Generate(systemKey, created);
            var meta = new KeyMeta(systemKeys.KeyId, DateTimeOffset.FromUnixTimeSeconds(systemKey.Created));
            return (key, new EnvelopeKeyRecord(DateTimeOffset.FromUnixTimeSeconds(created), encrypted, meta, revoked: false));
        }
        finally
        {
            systemKey.Release();
        }
    }

    private (CryptoKey Key, byte[] Encrypted) Generate(CryptoKey systemKey, long created)
    {
        Span<byte> raw = stackalloc byte[AesGcmEngine.KeySize];
        try
        {
            CryptoKey.GenerateRawKey(raw);
            var encrypted = new byte[AesGcmEngine.KeySize + AeadBlob.Overhead];
            systemKey.Seal(raw, encrypted);
            return (CryptoKey.FromRawKey(Context.Engine, Context.Allocator, raw, created, revoked: false), encrypted);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    private CryptoKey Unwrap(CryptoKey systemKey, EnvelopeKeyRecord record)
    {
        if (record.EncryptedKey.Length != AesGcmEngine.KeySize + AeadBlob.Overhead)
        {
            throw Error.DecryptionFailed();
        }

        Span<byte> raw = stackalloc byte[AesGcmEngine.KeySize];
        try
        {
            if (!systemKey.TryOpen(record.EncryptedKey.Span, raw))
            {
                throw Error.DecryptionFailed();
            }

            return CryptoKey.FromRawKey(Context.Engine, Context.Allocator, raw, record.Created.ToUnixTimeSeconds(), record.IsRevoked);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }
}

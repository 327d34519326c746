using System.Security.Cryptography;
using Asherah.Crypto;
using Asherah.Keys;

namespace Asherah.KeyManagement;

/// <summary>The system keys of one session factory, encrypted by the key management service.</summary>
/// <remarks><c>sk-record := {"Created": minute, "Key": b64(kms.EncryptKey(sk)), "Revoked": false}</c></remarks>
internal sealed class SystemKeyRing(KeyContext context, string systemKeyId)
    : KeyRing(context, systemKeyId, context.Policy.CacheSystemKeys ? KeyCache.ForSystemKeys : null)
{
    protected override string Tier => "system";

    protected override async ValueTask<CryptoKey> DecryptRecordAsync(string keyId, EnvelopeKeyRecord record, CancellationToken cancellationToken)
    {
        KeyMaterial material;
        try
        {
            material = await Context.Kms.DecryptKeyAsync(record.EncryptedKey, Context.KeyAllocator, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not AsherahException and not OperationCanceledException)
        {
            throw DependencyFailure(e, static e => new KmsException("The key management service failed to decrypt a system key.", e));
        }

        if (material is null)
        {
            throw new KmsException("The key management service returned no system key (null).");
        }

        using (material)
        {
            return ToCryptoKey(material, record.Created.ToUnixTimeSeconds(), record.IsRevoked);
        }
    }

    protected override async ValueTask<(CryptoKey Key, EnvelopeKeyRecord Record)> CreateAsync(long created, CancellationToken cancellationToken)
    {
        using var material = GenerateMaterial(Context);
        var key = ToCryptoKey(material, created, revoked: false);
        try
        {
            byte[] encrypted = await Context.Kms.EncryptKeyAsync(material, cancellationToken).ConfigureAwait(false);
            if (encrypted is null || encrypted.Length == 0)
            {
                // Stored, it would be a system key no KMS could ever decrypt.
                throw new KmsException("The key management service returned an empty encrypted system key.");
            }

            return (key, new EnvelopeKeyRecord(DateTimeOffset.FromUnixTimeSeconds(created), encrypted, null, revoked: false));
        }
        catch (Exception e) when (e is not AsherahException and not OperationCanceledException)
        {
            key.ReleaseOwner();
            throw DependencyFailure(e, static e => new KmsException("The key management service failed to encrypt a system key.", e));
        }
        catch
        {
            key.ReleaseOwner();
            throw;
        }
    }

    private static KeyMaterial GenerateMaterial(KeyContext context)
    {
        Span<byte> raw = stackalloc byte[AesGcmEngine.KeySize];
        try
        {
            CryptoKey.GenerateRawKey(raw);
            return context.KeyAllocator.Create(raw);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    private CryptoKey ToCryptoKey(KeyMaterial material, long created, bool revoked)
    {
        if (material.Length != AesGcmEngine.KeySize)
        {
            throw new KmsException("The key management service returned a system key that is not 32 bytes.");
        }

        if (material.Buffer.IsFreed)
        {
            // Not the factory's disposal: an ObjectDisposedException would say it was.
            throw new KmsException("The key management service returned a system key it had already disposed.");
        }

        Span<byte> raw = stackalloc byte[AesGcmEngine.KeySize];
        try
        {
            material.CopyTo(raw);
            return CryptoKey.FromRawKey(Context.Engine, Context.Allocator, raw, created, revoked);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }
}

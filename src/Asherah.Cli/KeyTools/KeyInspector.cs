namespace Asherah.Cli.KeyTools;

/// <summary>Reads key records and judges them by the configured expiry, without decrypting anything.</summary>
internal sealed class KeyInspector(IMetastore metastore, CryptoPolicy policy, TimeProvider time)
{
    /// <summary>The expiry the CLI's options describe: a policy set in code, else <see cref="AsherahOptions.ExpireAfter"/>.</summary>
    public static CryptoPolicy PolicyOf(AsherahOptions options) =>
        options.CryptoPolicy ?? new BasicExpiringCryptoPolicy { KeyExpiration = options.ExpireAfter };

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The state of a stored record.</summary>
    public KeyState Judge(string keyId, EnvelopeKeyRecord record) =>
        new(keyId, record.Created, record, policy.IsKeyExpired(record.Created, Now));

    /// <summary>The state of exactly (<paramref name="keyId"/>, <paramref name="created"/>).</summary>
    public async Task<KeyState> LoadAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken)
    {
        var record = await metastore.LoadAsync(keyId, created, cancellationToken);
        return record is null || record.Created != created ? new KeyState(keyId, created, null, false) : Judge(keyId, record);
    }

    /// <summary>The state of the newest record of <paramref name="keyId"/>, or <see langword="null"/> when there is none.</summary>
    public async Task<KeyState?> LoadLatestAsync(string keyId, CancellationToken cancellationToken)
    {
        var record = await metastore.LoadLatestAsync(keyId, cancellationToken);
        return record is null ? null : Judge(keyId, record);
    }
}

using System.Diagnostics;
using Asherah.Diagnostics;

namespace Asherah.Instrumentation;

/// <summary>
/// Wraps the factory's key management service: one span (<c>asherah.kms.encrypt</c>, <c>asherah.kms.decrypt</c>, kind
/// client) and one duration measurement per call. Results and exceptions pass through unchanged; key material is never
/// looked at.
/// </summary>
/// <remarks>The KMS protects system keys only, so every call is tagged <c>asherah.key.tier</c> = <c>system</c>.</remarks>
internal sealed class InstrumentedKeyManagementService(IKeyManagementService inner, DependencyMetrics metrics) : IKeyManagementService
{
    private const string Encrypt = "encrypt";
    private const string Decrypt = "decrypt";

    private readonly string _type = inner.GetType().Name;

    /// <summary>The service wrapped.</summary>
    public IKeyManagementService Inner { get; } = inner;

    public async ValueTask<byte[]> EncryptKeyAsync(KeyMaterial key, CancellationToken cancellationToken = default)
    {
        var (activity, started) = Start(Encrypt);
        try
        {
            var encrypted = await Inner.EncryptKeyAsync(key, cancellationToken).ConfigureAwait(false);
            Stop(activity, Encrypt, started, null);
            return encrypted;
        }
        catch (Exception e)
        {
            Stop(activity, Encrypt, started, e);
            throw;
        }
    }

    public async ValueTask<KeyMaterial> DecryptKeyAsync(ReadOnlyMemory<byte> encryptedKey, KeyMaterialAllocator allocator, CancellationToken cancellationToken = default)
    {
        var (activity, started) = Start(Decrypt);
        try
        {
            var key = await Inner.DecryptKeyAsync(encryptedKey, allocator, cancellationToken).ConfigureAwait(false);
            Stop(activity, Decrypt, started, null);
            return key;
        }
        catch (Exception e)
        {
            Stop(activity, Decrypt, started, e);
            throw;
        }
    }

    public override string ToString() => Inner.ToString() ?? _type;

    private (Activity? Activity, long Started) Start(string operation)
    {
        var activity = AsherahActivitySource.Source.StartActivity("asherah.kms." + operation, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("asherah.kms.type", _type);
            activity.SetTag(AsherahActivitySource.TierAttribute, "system");
        }

        return (activity, Stopwatch.GetTimestamp());
    }

    private void Stop(Activity? activity, string operation, long started, Exception? error)
    {
        var histogram = metrics.KmsDuration;
        if (histogram.Enabled)
        {
            var tags = new TagList
            {
                { DependencyMetrics.OperationTag, operation },
                { AsherahActivitySource.TierAttribute, "system" },
            };
            if (error is not null)
            {
                tags.Add(AsherahActivitySource.ErrorTypeAttribute, error.GetType().FullName);
            }

            histogram.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }

        if (activity is not null)
        {
            if (error is not null)
            {
                AsherahActivitySource.SetError(activity, error);
            }

            activity.Dispose();
        }
    }
}

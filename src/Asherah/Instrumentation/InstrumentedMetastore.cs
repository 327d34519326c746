using System.Diagnostics;
using Asherah.Diagnostics;

namespace Asherah.Instrumentation;

/// <summary>
/// Wraps the factory's metastore: one span (<c>asherah.metastore.*</c>, kind client) and one duration measurement per
/// call. Results and exceptions pass through unchanged.
/// </summary>
/// <remarks>
/// Only calls that reach the metastore pass here (cache misses, key creation, revocation re-checks), so encrypting and
/// decrypting with warm caches costs nothing extra. With no listener on the source or the histogram, a call costs a
/// timestamp and two checks.
/// </remarks>
internal sealed class InstrumentedMetastore(IMetastore inner, DependencyMetrics metrics) : IMetastore
{
    private const string Load = "load";
    private const string LoadLatest = "load_latest";
    private const string Store = "store";

    private readonly string _type = inner.GetType().Name;

    /// <summary>The metastore wrapped.</summary>
    public IMetastore Inner { get; } = inner;

    public string? KeySuffix => Inner.KeySuffix;

    public async ValueTask<EnvelopeKeyRecord?> LoadAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default)
    {
        var (activity, tier, started) = Start(Load, keyId);
        try
        {
            var record = await Inner.LoadAsync(keyId, created, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("asherah.metastore.found", record is not null);
            Stop(activity, Load, tier, started, null);
            return record;
        }
        catch (Exception e)
        {
            Stop(activity, Load, tier, started, e);
            throw;
        }
    }

    public async ValueTask<EnvelopeKeyRecord?> LoadLatestAsync(string keyId, CancellationToken cancellationToken = default)
    {
        var (activity, tier, started) = Start(LoadLatest, keyId);
        try
        {
            var record = await Inner.LoadLatestAsync(keyId, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("asherah.metastore.found", record is not null);
            Stop(activity, LoadLatest, tier, started, null);
            return record;
        }
        catch (Exception e)
        {
            Stop(activity, LoadLatest, tier, started, e);
            throw;
        }
    }

    public async ValueTask<bool> StoreAsync(string keyId, DateTimeOffset created, EnvelopeKeyRecord record, CancellationToken cancellationToken = default)
    {
        var (activity, tier, started) = Start(Store, keyId);
        try
        {
            bool stored = await Inner.StoreAsync(keyId, created, record, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("asherah.metastore.stored", stored);
            Stop(activity, Store, tier, started, null);
            return stored;
        }
        catch (Exception e)
        {
            Stop(activity, Store, tier, started, e);
            throw;
        }
    }

    public override string ToString() => Inner.ToString() ?? _type;

    private (Activity? Activity, string Tier, long Started) Start(string operation, string keyId)
    {
        string tier = AsherahActivitySource.TierOf(keyId);
        var activity = AsherahActivitySource.Source.StartActivity("asherah.metastore." + operation, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("asherah.metastore.type", _type);
            AsherahActivitySource.TagKey(activity, tier, keyId);
        }

        return (activity, tier, Stopwatch.GetTimestamp());
    }

    private void Stop(Activity? activity, string operation, string tier, long started, Exception? error)
    {
        var histogram = metrics.MetastoreDuration;
        if (histogram.Enabled)
        {
            var tags = new TagList
            {
                { DependencyMetrics.OperationTag, operation },
                { AsherahActivitySource.TierAttribute, tier },
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

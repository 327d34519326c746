using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Asherah.Tests.Caching;

/// <summary>
/// A meter factory whose meters only this recorder listens to, summing the <c>asherah.cache.*</c> counters by tier, so
/// factories of tests running in parallel do not mix in.
/// </summary>
internal sealed class CacheMetricsRecorder : IMeterFactory
{
    private readonly ConcurrentDictionary<(string Instrument, string Tier), long> _sums = new();
    private readonly List<Meter> _meters = [];
    private readonly MeterListener _listener = new();

    public CacheMetricsRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == this && instrument.Name.StartsWith("asherah.cache.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string tier = "?";
            string mode = "", outcome = "";
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "tier": tier = (string)tag.Value!; break;
                    case "mode": mode = (string)tag.Value!; break;
                    case "outcome": outcome = (string)tag.Value!; break;
                }
            }

            _sums.AddOrUpdate((instrument.Name, tier), value, (_, sum) => sum + value);
            if (mode.Length > 0)
            {
                _sums.AddOrUpdate(($"{instrument.Name}/{mode}/{outcome}", tier), value, (_, sum) => sum + value);
            }
        });
        _listener.Start();
    }

    public long Hits(string tier) => Sum("asherah.cache.hits", tier);

    public long Misses(string tier) => Sum("asherah.cache.misses", tier);

    public long Evictions(string tier) => Sum("asherah.cache.evictions", tier);

    /// <summary>Re-checks of cached keys of <paramref name="tier"/> in <paramref name="mode"/> (inline | background) that ended with <paramref name="outcome"/>.</summary>
    public long Refreshes(string tier, string mode, string outcome) => Sum($"asherah.cache.refreshes/{mode}/{outcome}", tier);

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(new MeterOptions(options.Name) { Scope = this });
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose()
    {
        _listener.Dispose();
        lock (_meters)
        {
            _meters.ForEach(m => m.Dispose());
        }
    }

    private long Sum(string instrument, string tier) => _sums.TryGetValue((instrument, tier), out long sum) ? sum : 0;
}

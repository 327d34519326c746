using System.Diagnostics.Metrics;

namespace Asherah.Server.Streaming;

/// <summary>
/// Counts the sessions the server holds open (one per initialized stream), for the meter <c>Asherah.Server</c>
/// (<c>asherah.server.sessions.open</c>, <c>asherah.server.streams</c>) and for tests that check nothing leaks.
/// </summary>
internal sealed class SessionTracker : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Asherah.Server";

    private readonly Meter _meter;
    private readonly UpDownCounter<long> _open;
    private readonly Counter<long> _streams;
    private long _openSessions;
    private long _activeStreams;

    public SessionTracker(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _open = _meter.CreateUpDownCounter<long>("asherah.server.sessions.open", "{session}", "Sessions held open by streams.");
        _streams = _meter.CreateCounter<long>("asherah.server.streams", "{stream}", "Session streams started.");
    }

    /// <summary>Sessions open now.</summary>
    public long OpenSessions => Interlocked.Read(ref _openSessions);

    /// <summary>Streams being served now, with or without a session.</summary>
    public long ActiveStreams => Interlocked.Read(ref _activeStreams);

    public void StreamStarted()
    {
        Interlocked.Increment(ref _activeStreams);
        _streams.Add(1);
    }

    public void StreamEnded() => Interlocked.Decrement(ref _activeStreams);

    public void Opened()
    {
        Interlocked.Increment(ref _openSessions);
        _open.Add(1);
    }

    public void Closed()
    {
        Interlocked.Decrement(ref _openSessions);
        _open.Add(-1);
    }

    public void Dispose() => _meter.Dispose();
}

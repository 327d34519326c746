using System.Diagnostics.Metrics;

namespace Asherah.Diagnostics;

/// <summary>
/// The core's instruments, on the meter named <c>Asherah</c>. Dimensions are tags (<c>tier</c>), never part of names.
/// </summary>
/// <remarks>
/// Instruments: <c>asherah.envelope.encryptions</c> and <c>asherah.envelope.decryptions</c> (records),
/// <c>asherah.keys.loaded</c> and <c>asherah.keys.created</c> (keys, tagged <c>tier</c> = system|intermediate),
/// <c>asherah.sessions.cached</c> (sessions in the session cache).
/// </remarks>
internal sealed class AsherahMetrics : IDisposable
{
    public const string MeterName = "Asherah";

    private readonly Meter _meter;

    public AsherahMetrics(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        Encryptions = _meter.CreateCounter<long>("asherah.envelope.encryptions", "{record}", "Records encrypted.");
        Decryptions = _meter.CreateCounter<long>("asherah.envelope.decryptions", "{record}", "Records decrypted.");
        KeysLoaded = _meter.CreateCounter<long>("asherah.keys.loaded", "{key}", "Keys loaded from the metastore and decrypted.");
        KeysCreated = _meter.CreateCounter<long>("asherah.keys.created", "{key}", "Keys created and stored.");
    }

    public Counter<long> Encryptions { get; }

    public Counter<long> Decryptions { get; }

    public Counter<long> KeysLoaded { get; }

    public Counter<long> KeysCreated { get; }

    public void ObserveSessionCache(Func<int> count) =>
        _meter.CreateObservableGauge("asherah.sessions.cached", count, "{session}", "Sessions in the session cache.");

    public void Dispose() => _meter.Dispose();
}

using System.Diagnostics.Metrics;

namespace Asherah.SecureMemory;

/// <summary>
/// Gauges for <see cref="SecureMemoryStatistics"/> on the <c>Asherah.SecureMemory</c> meter:
/// <c>asherah.secure_memory.locked</c> (By), <c>asherah.secure_memory.unlocked</c> (By) and
/// <c>asherah.secure_memory.buffers</c> ({buffer}), and the counter <c>asherah.secure_memory.corruptions</c>
/// ({corruption}).
/// </summary>
/// <remarks>
/// The figures are process-wide (the memlock limit is), so one meter serves every allocator. It is created with the
/// first allocator.
/// </remarks>
internal static class SecureMemoryMetrics
{
    public const string MeterName = "Asherah.SecureMemory";

    private static readonly Meter s_meter = CreateMeter();

    /// <summary>Makes sure the meter and its instruments exist.</summary>
    public static void EnsureCreated() => GC.KeepAlive(s_meter);

    private static Meter CreateMeter()
    {
        var meter = new Meter(MeterName);
        meter.CreateObservableGauge(
            "asherah.secure_memory.locked",
            static () => SecureMemoryStatistics.LockedBytes,
            unit: "By",
            description: "Secure memory locked in RAM, process-wide.");
        meter.CreateObservableGauge(
            "asherah.secure_memory.unlocked",
            static () => SecureMemoryStatistics.UnlockedBytes,
            unit: "By",
            description: "Secure memory used without a lock after an allowed fallback, process-wide.");
        meter.CreateObservableGauge(
            "asherah.secure_memory.buffers",
            static () => SecureMemoryStatistics.AllocatedBuffers,
            unit: "{buffer}",
            description: "Secure buffers (cached keys and other secrets) currently allocated, process-wide.");
        meter.CreateObservableCounter(
            "asherah.secure_memory.corruptions",
            static () => SecureMemoryStatistics.CorruptionsDetected,
            unit: "{corruption}",
            description: "Secure buffers found written past their end when freed (wiped, never reused), process-wide.");
        return meter;
    }
}

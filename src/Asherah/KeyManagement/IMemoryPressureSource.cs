namespace Asherah.KeyManagement;

/// <summary>Where a <see cref="MemoryPressureMonitor"/> reads memory figures from.</summary>
/// <remarks>
/// The process's own figures in production (<see cref="ProcessMemoryPressureSource"/>); tests give chosen readings
/// through this seam to drive the monitor through pressure and recovery.
/// </remarks>
internal interface IMemoryPressureSource
{
    /// <summary>The figures now. Called on the monitor's timer and never on a cache hit.</summary>
    MemoryPressureReading Read();
}

namespace Asherah.KeyManagement;

/// <summary>One sample of the figures a <see cref="MemoryPressureMonitor"/> decides by.</summary>
/// <param name="MemoryLoad">Memory in use as a fraction of the memory available to the process (0 when unknown, such as before the first GC).</param>
/// <param name="LockedBytes">Bytes of secure memory locked by the process (<see cref="SecureMemoryStatistics.LockedBytes"/>).</param>
/// <param name="LockLimit">The locked-memory limit (<c>RLIMIT_MEMLOCK</c>) in bytes, or <see langword="null"/> when unlimited or unknown.</param>
internal readonly record struct MemoryPressureReading(double MemoryLoad, long LockedBytes, long? LockLimit);

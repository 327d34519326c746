using Asherah.SecureMemory;

namespace Asherah.KeyManagement;

/// <summary>The process's memory figures: the GC's memory load and Asherah's locked bytes against <c>RLIMIT_MEMLOCK</c>.</summary>
/// <remarks>
/// <c>GC.GetGCMemoryInfo()</c> reports what the last garbage collection saw: <c>MemoryLoadBytes</c> (memory in use, of
/// the container when there is a limit) over <c>TotalAvailableMemoryBytes</c> (the physical memory or the container
/// limit or <c>GCHeapHardLimit</c>). Before the first collection both are zero and the load reads as 0. The lock limit
/// is read at each sample, since a process may change it (<c>prlimit</c>).
/// </remarks>
internal sealed class ProcessMemoryPressureSource : IMemoryPressureSource
{
    public static ProcessMemoryPressureSource Instance { get; } = new();

    public MemoryPressureReading Read()
    {
        var info = GC.GetGCMemoryInfo();
        double load = info.TotalAvailableMemoryBytes > 0 ? (double)info.MemoryLoadBytes / info.TotalAvailableMemoryBytes : 0;
        return new MemoryPressureReading(load, SecureMemoryStatistics.LockedBytes, VirtualMemory.LockLimit());
    }
}

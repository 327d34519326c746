namespace Asherah;

/// <summary>Process-wide figures for Asherah's secure memory, summed over every allocator.</summary>
/// <remarks>
/// The locked-memory limit (<c>RLIMIT_MEMLOCK</c>) is per process, so these are the numbers to compare with it. The
/// same figures are published as gauges on the <c>Asherah.SecureMemory</c> meter.
/// </remarks>
public static class SecureMemoryStatistics
{
    private static long s_lockedBytes;
    private static long s_unlockedBytes;
    private static long s_allocatedSlots;
    private static long s_corruptions;

    /// <summary>Bytes of secure memory currently locked in RAM (guard pages excluded).</summary>
    public static long LockedBytes => Interlocked.Read(ref s_lockedBytes);

    /// <summary>Bytes of secure memory in use without a lock, after an allowed fallback.</summary>
    public static long UnlockedBytes => Interlocked.Read(ref s_unlockedBytes);

    /// <summary>Secure buffers currently allocated and not yet freed.</summary>
    public static long AllocatedBuffers => Interlocked.Read(ref s_allocatedSlots);

    /// <summary>Secure buffers found corrupted (written past their end) when they were freed, since the process started.</summary>
    /// <remarks>
    /// Each one is also logged at Critical level (event id 103) with the stack that freed it. Freeing a corrupted buffer
    /// does not throw: the buffer is wiped and its memory is never reused. A value above zero points to a memory-safety
    /// bug in the process; alert on it.
    /// </remarks>
    public static long CorruptionsDetected => Interlocked.Read(ref s_corruptions);

    internal static void AddLocked(long bytes) => Interlocked.Add(ref s_lockedBytes, bytes);

    internal static void AddUnlocked(long bytes) => Interlocked.Add(ref s_unlockedBytes, bytes);

    internal static void AddBuffers(long count) => Interlocked.Add(ref s_allocatedSlots, count);

    internal static void AddCorruption() => Interlocked.Increment(ref s_corruptions);
}

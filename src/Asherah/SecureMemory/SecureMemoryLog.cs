using Microsoft.Extensions.Logging;

namespace Asherah.SecureMemory;

/// <summary>Log messages of the secure-memory layer. Event ids 100-199 are reserved for it and stable.</summary>
internal static partial class SecureMemoryLog
{
    [LoggerMessage(EventId = 100, EventName = "SecureMemoryUnlockedFallback", Level = LogLevel.Warning,
        Message = "Could not lock {Bytes} bytes of secure memory (error {ErrorCode}); the locked-memory limit is {Limit} and {LockedBytes} bytes are locked. Continuing with unlocked memory (still guarded, dump-excluded and wiped) because SecureMemoryOptions.AllowUnlockedFallback is true.")]
    public static partial void UnlockedFallback(ILogger logger, long bytes, int errorCode, string limit, long lockedBytes);

    [LoggerMessage(EventId = 101, EventName = "SecureMemoryUnlockedFallbackAgain", Level = LogLevel.Debug,
        Message = "Mapped another {Bytes} bytes of unlocked secure memory (error {ErrorCode}).")]
    public static partial void UnlockedFallbackAgain(ILogger logger, long bytes, int errorCode);

    [LoggerMessage(EventId = 102, EventName = "SecureMemoryChunkMapped", Level = LogLevel.Debug,
        Message = "Mapped a secure-memory chunk of {Bytes} bytes for {SlotSize}-byte slots ({Slots} slots, locked: {Locked}).")]
    public static partial void ChunkMapped(ILogger logger, long bytes, int slotSize, int slots, bool locked);

    [LoggerMessage(EventId = 103, EventName = "SecureMemoryCanaryCorrupted", Level = LogLevel.Critical,
        Message = "Secure memory corruption: something wrote past the end of a {Length}-byte secure buffer (the canary after its {SlotSize}-byte slot was overwritten). The buffer was wiped and its memory will not be reused. Freed at:\n{FreedAt}")]
    public static partial void CanaryCorrupted(ILogger logger, int length, int slotSize, string freedAt);

    [LoggerMessage(EventId = 104, EventName = "SecureMemoryCoreDumpsDisabled", Level = LogLevel.Information,
        Message = "Core dumps disabled for this process (RLIMIT_CORE = 0).")]
    public static partial void CoreDumpsDisabled(ILogger logger);

    [LoggerMessage(EventId = 105, EventName = "SecureMemoryNoDumpExclusion", Level = LogLevel.Debug,
        Message = "This platform cannot exclude secure memory from core dumps; consider SecureMemoryOptions.DisableCoreDumps.")]
    public static partial void NoDumpExclusion(ILogger logger);
}

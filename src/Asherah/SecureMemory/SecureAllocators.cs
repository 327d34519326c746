using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Asherah.SecureMemory;

/// <summary>Where the rest of the library gets its <see cref="SecureAllocator"/>.</summary>
/// <remarks>
/// The locked-memory limit is per process, so allocators are shared process-wide: one <see cref="SlabAllocator"/> per
/// distinct set of options (<see cref="SecureMemoryOptions.AllowUnlockedFallback"/>,
/// <see cref="SecureMemoryOptions.StrictProtection"/>, <see cref="SecureMemoryOptions.ChunkSize"/>). The first logger
/// passed for a set of options is the one that allocator logs to, even when the allocator was created earlier without
/// one (through <see cref="Default"/>). Shared allocators live as long as the process.
/// </remarks>
internal static class SecureAllocators
{
    private static readonly ConcurrentDictionary<(bool Fallback, bool Strict, int ChunkSize), Lazy<SlabAllocator>> s_shared = new();

    /// <summary>The process-wide allocator for default options (locked memory required, no strict mode).</summary>
    public static SecureAllocator Default => Create(DefaultOptions);

    private static readonly SecureMemoryOptions DefaultOptions = new();

    /// <summary>Returns the process-wide allocator for <paramref name="options"/>, creating it on first use.</summary>
    /// <exception cref="PlatformNotSupportedException">
    /// <see cref="SecureMemoryOptions.DisableCoreDumps"/> is set on a platform that cannot disable core dumps.
    /// </exception>
    public static SecureAllocator Create(SecureMemoryOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.DisableCoreDumps && !CoreDumps.AreDisabled)
        {
            CoreDumps.Disable();
            if (logger is not null)
            {
                SecureMemoryLog.CoreDumpsDisabled(logger);
            }
        }

        var key = (options.AllowUnlockedFallback, options.StrictProtection, options.ChunkSize);
        var snapshot = new SecureMemoryOptions
        {
            AllowUnlockedFallback = options.AllowUnlockedFallback,
            StrictProtection = options.StrictProtection,
            ChunkSize = options.ChunkSize,
        };
        SlabAllocator allocator = s_shared.GetOrAdd(key, _ => new Lazy<SlabAllocator>(() => new SlabAllocator(snapshot, logger))).Value;
        if (logger is not null)
        {
            allocator.AttachLogger(logger); // no-op when it already has one
        }

        return allocator;
    }
}

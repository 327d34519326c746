namespace Asherah;

/// <summary>How Asherah keeps key material in memory.</summary>
/// <remarks>
/// <para>
/// Keys live in slabs of memory mapped outside the GC heap, locked in RAM (<c>mlock</c>/<c>VirtualLock</c>), excluded
/// from core dumps where the OS supports it, fenced by inaccessible guard pages, and wiped when freed. Many keys share
/// a page, and memory is locked a page at a time at first, so a small application needs 8 KiB of locked memory (well
/// within the 64 KiB <c>ulimit -l</c> many distributions give), and 100,000 cached keys about 6.1 MiB.
/// </para>
/// <para>
/// Defaults: <see cref="AllowUnlockedFallback"/> <c>false</c>, <see cref="StrictProtection"/> <c>false</c>,
/// <see cref="DisableCoreDumps"/> <c>false</c>, <see cref="ChunkSize"/> 64 KiB.
/// </para>
/// </remarks>
public sealed class SecureMemoryOptions
{
    /// <summary>The default <see cref="ChunkSize"/>: 64 KiB.</summary>
    public const int DefaultChunkSize = 64 * 1024;

    private int _chunkSize = DefaultChunkSize;

    /// <summary>
    /// Whether to keep going with unlocked memory when the OS refuses to lock more (the locked-memory limit,
    /// <c>ulimit -l</c>, is reached, or locking is not permitted).
    /// </summary>
    /// <remarks>
    /// Default <c>false</c>: an allocation that cannot be locked throws <see cref="SecureMemoryException"/>. When
    /// <c>true</c>, the refusal is logged as a warning (event id 100) and the memory is used unlocked: it may be swapped
    /// out, but it is still guarded, excluded from core dumps and wiped on free.
    /// </remarks>
    public bool AllowUnlockedFallback { get; set; }

    /// <summary>Whether key memory is inaccessible except while a key is in use.</summary>
    /// <remarks>
    /// Default <c>false</c>. When <c>true</c>, every page holding keys is <c>PROT_NONE</c> (<c>PAGE_NOACCESS</c>) and is
    /// made readable only while at least one access to a key on it is in progress. That costs two <c>mprotect</c> system
    /// calls per access that does not overlap another access to the same page (microseconds on bare metal, tens of
    /// microseconds in some virtual machines, against about a nanosecond without it) and one kernel mapping per page.
    /// </remarks>
    public bool StrictProtection { get; set; }

    /// <summary>Whether to disable core dumps for the whole process (<c>setrlimit(RLIMIT_CORE, 0)</c>).</summary>
    /// <remarks>
    /// Default <c>false</c>. The change is process-wide and cannot be undone without privileges. Not available on
    /// Windows (configure Windows Error Reporting instead); setting it there makes allocator creation throw
    /// <see cref="PlatformNotSupportedException"/>. See also <see cref="CoreDumps.Disable"/>.
    /// </remarks>
    public bool DisableCoreDumps { get; set; }

    /// <summary>
    /// The most bytes of key memory mapped and locked at a time, excluding the two guard pages around each chunk.
    /// </summary>
    /// <remarks>
    /// Default 64 KiB (<see cref="DefaultChunkSize"/>). A power of two from 16 KiB to 16 MiB; rounded up to whole pages.
    /// Each slot size starts with a one-page chunk and doubles the size of each next chunk until it reaches this value,
    /// so it does not change how much a small application locks. Larger chunks mean fewer mappings for a large cache,
    /// and locked memory growing in larger steps.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a power of two between 16 KiB and 16 MiB.</exception>
    public int ChunkSize
    {
        get => _chunkSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 16 * 1024);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 16 * 1024 * 1024);
            if (!int.IsPow2(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "ChunkSize must be a power of two.");
            }

            _chunkSize = value;
        }
    }
}

using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;

namespace Asherah.SecureMemory;

/// <summary>
/// Secure memory in slabs: many small secrets share locked, guarded, dump-excluded chunks, so the locked-memory limit
/// is spent on secrets rather than on one page each.
/// </summary>
/// <remarks>
/// <para>
/// Size classes (<see cref="SlabSizeClass"/>) hold 16, 32, 48, 64, 128 and 256 usable bytes; each slot is followed by a
/// 16-byte canary (<see cref="SlabCanary"/>), so a 48-byte key takes 64 bytes. A class's first chunk is one page and
/// each next one doubles up to <see cref="SecureMemoryOptions.ChunkSize"/> (4, 8, 16, 32 KiB, then 64 KiB each by
/// default), so an application with a few keys locks a page per slot size in use (8 KiB for the quick start) and
/// 100,000 48-byte keys fit in 60 KiB + 97 chunks of 64 KiB (6.1 MiB locked). Larger requests get their own guarded
/// mapping, rounded up to whole pages. See <see cref="SlabChunk"/> for the layout. This class maps, locks and releases
/// chunks and keeps the counts; the size classes keep the free lists and choose chunk sizes.
/// </para>
/// <para>
/// Canaries are checked when a slot is freed. A mismatch means something wrote past the end of a secret.
/// <see cref="SecureBuffer.Free"/> then still wipes the slot, quarantines it (it stays mapped and is never handed out
/// again; a large buffer is unmapped as usual), counts it (<see cref="CorruptionsDetected"/>,
/// <see cref="SecureMemoryStatistics.CorruptionsDetected"/>, the <c>asherah.secure_memory.corruptions</c> counter), logs
/// event 103 at Critical level with the freeing stack, and returns normally. It does not throw, because Free runs in
/// <c>finally</c> blocks and <c>Dispose</c> methods, where a throw would replace the exception already in flight, often
/// the very failure that explains the overrun. It does not fail fast either: the overwrite was caught in our own slack
/// and the slot is wiped; the canary is a detector, and whether corruption warrants stopping the process is the
/// application's decision, which the log event and the counter let it make.
/// </para>
/// <para>
/// Wiping uses <see cref="CryptographicOperations.ZeroMemory"/>, which the JIT does not elide. Chunks stay mapped for
/// the allocator's lifetime and their slots are reused; <see cref="Dispose"/> unmaps chunks with no live slots.
/// </para>
/// </remarks>
internal sealed unsafe class SlabAllocator : SecureAllocator, IDisposable
{
    /// <summary>Usable bytes of each size class.</summary>
    internal static readonly int[] SlotSizes = [16, 32, 48, 64, 128, 256];

    internal const int CanarySize = SlabCanary.Size;

    private readonly bool _allowUnlocked;
    private readonly bool _strict;
    private ILogger _logger; // replaced at most once, see AttachLogger
    private readonly SlabSizeClass[] _classes;
    private readonly SlabCanary _canary = SlabCanary.CreateRandom();
    private long _locked;
    private long _unlocked;
    private long _buffers;
    private long _quarantined;
    private long _corruptions;
    private int _fallbacks;
    private int _disposed;

    public SlabAllocator(SecureMemoryOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _allowUnlocked = options.AllowUnlockedFallback;
        _strict = options.StrictProtection;
        int page = VirtualMemory.PageSize;
        ChunkBytes = Math.Max(page, (options.ChunkSize + page - 1) / page * page);
        _logger = logger ?? NullLogger.Instance;

        _classes = new SlabSizeClass[SlotSizes.Length];
        for (int i = 0; i < SlotSizes.Length; i++)
        {
            _classes[i] = new SlabSizeClass(this, SlotSizes[i], ChunkBytes);
        }

        SecureMemoryMetrics.EnsureCreated();
    }

    /// <summary>Whether buffers are inaccessible outside EnterAccess/ExitAccess.</summary>
    public bool IsStrict => _strict;

    /// <inheritdoc/>
    public override long LockedBytes => Interlocked.Read(ref _locked);

    /// <summary>Bytes this allocator uses without a lock after an allowed fallback.</summary>
    public long UnlockedBytes => Interlocked.Read(ref _unlocked);

    /// <summary>Buffers handed out and not freed.</summary>
    public long AllocatedBuffers => Interlocked.Read(ref _buffers);

    /// <summary>Slots withheld from reuse because their canary was found overwritten.</summary>
    public long QuarantinedSlots => Interlocked.Read(ref _quarantined);

    /// <summary>Buffers (slots and large buffers) found with an overwritten canary when freed.</summary>
    public long CorruptionsDetected => Interlocked.Read(ref _corruptions);

    /// <summary>Usable bytes of a full-size chunk (<see cref="SecureMemoryOptions.ChunkSize"/> in whole pages).</summary>
    internal int ChunkBytes { get; }

    /// <inheritdoc/>
    public override SecureBuffer Allocate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        int index = ClassIndex(length);
        SlabBuffer buffer = index >= 0 ? _classes[index].Allocate(length) : AllocateLarge(length);
        Interlocked.Increment(ref _buffers);
        SecureMemoryStatistics.AddBuffers(1);
        return buffer;
    }

    /// <summary>Unmaps every chunk with no live slots; the allocator cannot allocate afterwards.</summary>
    /// <remarks>
    /// Not to be called concurrently with <see cref="Allocate"/>. Chunks still holding buffers (or quarantined slots)
    /// stay mapped until the process exits; large buffers are unmapped when freed.
    /// </remarks>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (SlabSizeClass sizeClass in _classes)
        {
            sizeClass.ReleaseIdleChunks();
        }
    }

    /// <summary>The usable range of the chunk holding <paramref name="buffer"/> (guard pages sit on either side).</summary>
    internal static (nint Start, int Length) ChunkBounds(SecureBuffer buffer)
    {
        var slab = (SlabBuffer)buffer;
        return ((nint)slab.Chunk.Start, slab.Chunk.UsableBytes);
    }

    /// <summary>Usable bytes of the slot holding <paramref name="buffer"/>; its canary starts right after.</summary>
    internal static int SlotCapacity(SecureBuffer buffer) => ((SlabBuffer)buffer).Chunk.SlotSize;

    /// <summary>Gives an allocator created without a logger one, so a shared allocator first reached through a
    /// logger-less path (such as <c>KeyMaterial.Create</c>) still reports corruption and fallbacks.</summary>
    /// <returns>Whether <paramref name="logger"/> was attached (false when the allocator already had a logger).</returns>
    internal bool AttachLogger(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return ReferenceEquals(Interlocked.CompareExchange(ref _logger, logger, NullLogger.Instance), NullLogger.Instance);
    }

    /// <summary>A buffer over slot <paramref name="local"/> of <paramref name="chunk"/>, strict or not as configured.</summary>
    internal SlabBuffer NewBuffer(SlabSizeClass? sizeClass, SlabChunk chunk, int local, int length) =>
        _strict
            ? new StrictSlabBuffer(this, sizeClass, chunk, local, length)
            : new SlabBuffer(this, sizeClass, chunk, local, length);

    /// <summary>Maps, guards, dump-excludes and locks a chunk and writes its canaries.</summary>
    internal SlabChunk MapChunk(int usableBytes, int regionSize, int slotSize, int stride, int index)
    {
        int page = VirtualMemory.PageSize;
        nuint total = (nuint)usableBytes + (nuint)(2 * page);
        nint mapping = VirtualMemory.Map(total);
        nint start = mapping + page;
        bool done = false;
        try
        {
            VirtualMemory.Protect(mapping, (nuint)page, readWrite: false);
            VirtualMemory.Protect(start + usableBytes, (nuint)page, readWrite: false);
            if (!VirtualMemory.ExcludeFromDumps(mapping, total) && index == 0)
            {
                SecureMemoryLog.NoDumpExclusion(_logger);
            }

            int error = VirtualMemory.TryLock(start, (nuint)usableBytes);
            if (error != 0)
            {
                OnLockRefused(usableBytes, error);
            }

            var chunk = new SlabChunk(mapping, total, usableBytes, regionSize, slotSize, stride, index, error == 0, _strict);
            for (int i = 0; i < chunk.SlotCount; i++)
            {
                _canary.Write(chunk.SlotAddress(i) + slotSize);
            }

            if (_strict)
            {
                VirtualMemory.Protect(start, (nuint)usableBytes, readWrite: false);
            }

            if (chunk.IsLocked)
            {
                Interlocked.Add(ref _locked, usableBytes);
                SecureMemoryStatistics.AddLocked(usableBytes);
            }
            else
            {
                Interlocked.Add(ref _unlocked, usableBytes);
                SecureMemoryStatistics.AddUnlocked(usableBytes);
            }

            SecureMemoryLog.ChunkMapped(_logger, usableBytes, slotSize, chunk.SlotCount, chunk.IsLocked);
            done = true;
            return chunk;
        }
        finally
        {
            if (!done)
            {
                VirtualMemory.Unmap(mapping, total);
            }
        }
    }

    /// <summary>Wipes, unlocks and unmaps a chunk.</summary>
    internal void ReleaseChunk(SlabChunk chunk)
    {
        nint start = (nint)chunk.Start;
        if (_strict)
        {
            VirtualMemory.Protect(start, (nuint)chunk.UsableBytes, readWrite: true);
        }

        CryptographicOperations.ZeroMemory(new Span<byte>(chunk.Start, chunk.UsableBytes));
        if (chunk.IsLocked)
        {
            VirtualMemory.Unlock(start, (nuint)chunk.UsableBytes);
            Interlocked.Add(ref _locked, -chunk.UsableBytes);
            SecureMemoryStatistics.AddLocked(-chunk.UsableBytes);
        }
        else
        {
            Interlocked.Add(ref _unlocked, -chunk.UsableBytes);
            SecureMemoryStatistics.AddUnlocked(-chunk.UsableBytes);
        }

        VirtualMemory.Unmap(chunk.Mapping, chunk.MappingSize);
    }

    /// <summary>Called by <see cref="SlabBuffer"/>'s FreeCore after the base class wiped the requested bytes.</summary>
    internal void Release(SlabBuffer buffer)
    {
        SlabChunk chunk = buffer.Chunk;
        bool intact;
        if (_strict)
        {
            chunk.EnterRegion(buffer.Region);
        }

        try
        {
            intact = _canary.IsIntact(buffer.Pointer + chunk.SlotSize);
            CryptographicOperations.ZeroMemory(new Span<byte>(buffer.Pointer, chunk.SlotSize));
        }
        finally
        {
            if (_strict)
            {
                chunk.ExitRegion(buffer.Region);
            }
        }

        Interlocked.Decrement(ref _buffers);
        SecureMemoryStatistics.AddBuffers(-1);
        if (buffer.SizeClass is null)
        {
            ReleaseChunk(chunk); // a large buffer has its own mapping, wiped and returned to the OS either way
        }
        else if (intact)
        {
            buffer.SizeClass.Push(chunk, buffer.Local);
        }
        else
        {
            // Quarantine: the slot is never pushed back, so it stays counted in chunk.Live and is never handed out again.
            Interlocked.Increment(ref _quarantined);
        }

        if (!intact)
        {
            // No throw: Free runs in finally blocks and Dispose methods, where an exception would replace the one
            // already unwinding (the likelier clue to the overrun). The freeing stack goes into the log instead.
            Interlocked.Increment(ref _corruptions);
            SecureMemoryStatistics.AddCorruption();
            if (_logger.IsEnabled(LogLevel.Critical))
            {
                string freedAt = new StackTrace(1, false).ToString();
                SecureMemoryLog.CanaryCorrupted(_logger, buffer.Length, chunk.SlotSize, freedAt);
            }
        }
    }

    private static int ClassIndex(int length)
    {
        for (int i = 0; i < SlotSizes.Length; i++)
        {
            if (length <= SlotSizes[i])
            {
                return i;
            }
        }

        return -1;
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private SlabBuffer AllocateLarge(int length)
    {
        if (length > int.MaxValue / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "Secure buffers are limited to 1 GiB.");
        }

        int slotSize = RoundUp(length, 16);
        int usable = RoundUp(slotSize + CanarySize, VirtualMemory.PageSize);
        SlabChunk chunk = MapChunk(usable, usable, slotSize, usable, 0);
        chunk.Live = 1;
        return NewBuffer(null, chunk, 0, length);
    }

    private void OnLockRefused(int bytes, int error)
    {
        long? limit = VirtualMemory.LockLimit();
        string limitText = limit is { } l ? $"{l} bytes" : "unlimited or unknown";
        if (!_allowUnlocked)
        {
            string call = OperatingSystem.IsWindows() ? "VirtualLock" : "mlock";
            string how = OperatingSystem.IsWindows()
                ? "raise the process's minimum working set (SetProcessWorkingSetSize)"
                : "raise RLIMIT_MEMLOCK (ulimit -l, systemd LimitMEMLOCK=, docker --ulimit memlock=)";
            throw new SecureMemoryException(
                $"Could not lock {bytes} more bytes of secure memory: {call} failed with error {error}. "
                + $"The process's locked-memory limit is {limitText}; Asherah holds {SecureMemoryStatistics.LockedBytes} bytes locked "
                + $"({LockedBytes} by this allocator). To fix it, {how}, cache fewer keys, or set "
                + "SecureMemoryOptions.AllowUnlockedFallback = true to continue with unlocked (still guarded, dump-excluded and wiped) memory.",
                error);
        }

        if (Interlocked.Increment(ref _fallbacks) == 1)
        {
            SecureMemoryLog.UnlockedFallback(_logger, bytes, error, limitText, SecureMemoryStatistics.LockedBytes);
        }
        else
        {
            SecureMemoryLog.UnlockedFallbackAgain(_logger, bytes, error);
        }
    }
}

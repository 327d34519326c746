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
/// Size classes hold 16, 32, 48, 64, 128 and 256 usable bytes; each slot is followed by a 16-byte canary, so a 48-byte
/// key takes 64 bytes and 100,000 of them fit in 98 chunks of 64 KiB (6.1 MiB locked). Larger requests get their own
/// guarded mapping, rounded up to whole pages. See <see cref="SlabChunk"/> for the layout.
/// </para>
/// <para>
/// Free lists: one lock-free LIFO stack per size class (a Treiber stack). The head is a 64-bit word holding a 32-bit
/// modification tag and the index of the top free slot; every successful compare-and-swap bumps the tag, which rules
/// out ABA. Links live in a managed array per chunk, never in the secret memory, so a slot is not touched by the free
/// list and strict-mode pages need not be opened to allocate. Only growth (mapping a new chunk) takes a per-size-class
/// lock.
/// </para>
/// <para>
/// Canaries: each slot's canary is a per-allocator random 128-bit value mixed with the slot's address, written once
/// when the chunk is mapped and checked when the slot is freed. A mismatch means something wrote past the end of a
/// secret: <see cref="SecureBuffer.Free"/> still wipes the slot, then quarantines it (never reused), logs event 103 at
/// Critical level and throws <see cref="SecureMemoryException"/>. We throw rather than fail fast because the damage is
/// confined to our own slack and the slot is already wiped; the owner decides whether to stop the process.
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

    internal const int CanarySize = 16;

    private readonly bool _allowUnlocked;
    private readonly bool _strict;
    private readonly int _chunkBytes;
    private readonly ILogger _logger;
    private readonly SizeClass[] _classes;
    private readonly ulong _canary0;
    private readonly ulong _canary1;
    private long _locked;
    private long _unlocked;
    private long _buffers;
    private long _quarantined;
    private int _fallbacks;
    private int _disposed;

    public SlabAllocator(SecureMemoryOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _allowUnlocked = options.AllowUnlockedFallback;
        _strict = options.StrictProtection;
        int page = VirtualMemory.PageSize;
        _chunkBytes = Math.Max(page, (options.ChunkSize + page - 1) / page * page);
        _logger = logger ?? NullLogger.Instance;

        Span<ulong> canary = stackalloc ulong[2];
        RandomNumberGenerator.Fill(System.Runtime.InteropServices.MemoryMarshal.AsBytes(canary));
        _canary0 = canary[0];
        _canary1 = canary[1];

        _classes = new SizeClass[SlotSizes.Length];
        for (int i = 0; i < SlotSizes.Length; i++)
        {
            _classes[i] = new SizeClass(this, SlotSizes[i]);
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

        foreach (SizeClass sizeClass in _classes)
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

    private SlabBuffer NewBuffer(SizeClass? sizeClass, SlabChunk chunk, int local, int length) =>
        _strict
            ? new StrictSlabBuffer(this, sizeClass, chunk, local, length)
            : new SlabBuffer(this, sizeClass, chunk, local, length);

    /// <summary>Maps, guards, dump-excludes and locks a chunk and writes its canaries.</summary>
    private SlabChunk MapChunk(int usableBytes, int regionSize, int slotSize, int stride, int firstIndex)
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
            if (!VirtualMemory.ExcludeFromDumps(mapping, total) && firstIndex == 0)
            {
                SecureMemoryLog.NoDumpExclusion(_logger);
            }

            int error = VirtualMemory.TryLock(start, (nuint)usableBytes);
            if (error != 0)
            {
                OnLockRefused(usableBytes, error);
            }

            var chunk = new SlabChunk(mapping, total, usableBytes, regionSize, slotSize, stride, firstIndex, error == 0, _strict);
            for (int i = 0; i < chunk.SlotCount; i++)
            {
                WriteCanary(chunk.SlotAddress(i) + slotSize);
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

    private void ReleaseChunk(SlabChunk chunk)
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

    private void WriteCanary(byte* at)
    {
        var words = (ulong*)at;
        (words[0], words[1]) = Canary(at);
    }

    private bool CanaryIntact(byte* at)
    {
        var words = (ulong*)at;
        (ulong c0, ulong c1) = Canary(at);
        return ((words[0] ^ c0) | (words[1] ^ c1)) == 0;
    }

    // Mixing in the address makes every slot's canary different, so a canary copied from one slot fails elsewhere.
    private (ulong, ulong) Canary(byte* at)
    {
        ulong address = (ulong)at;
        return (_canary0 ^ address, _canary1 ^ (address * 0x9E3779B97F4A7C15UL));
    }

    /// <summary>Called by <see cref="SlabBuffer.FreeCore"/> after the base class wiped the requested bytes.</summary>
    private void Release(SlabBuffer buffer)
    {
        SlabChunk chunk = buffer.Chunk;
        bool intact;
        if (_strict)
        {
            chunk.EnterRegion(buffer.Region);
        }

        try
        {
            intact = CanaryIntact(buffer.Pointer + chunk.SlotSize);
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
            ReleaseChunk(chunk); // a large buffer has its own mapping
        }
        else if (intact)
        {
            buffer.SizeClass.Push(chunk, buffer.Local);
        }

        if (!intact)
        {
            if (buffer.SizeClass is not null)
            {
                Interlocked.Increment(ref _quarantined);
            }

            SecureMemoryLog.CanaryCorrupted(_logger, chunk.SlotSize);
            throw new SecureMemoryException(
                $"Secure memory corruption detected: something wrote past the end of a {chunk.SlotSize}-byte secure buffer "
                + "(its canary was overwritten). The buffer was wiped and its slot quarantined.");
        }
    }

    /// <summary>Slots of one size, with a lock-free free list.</summary>
    private sealed class SizeClass
    {
        private readonly SlabAllocator _owner;
        private readonly int _slotSize;
        private readonly int _stride;
        private readonly int _slotsPerChunk;
        private readonly Lock _growLock = new();
        private SlabChunk[] _chunks = new SlabChunk[4];
        private int _chunkCount;

        // head := tag:32 | top:32, top = index of the first free slot + 1 (0 = empty); the tag changes on every CAS.
        private long _head;

        public SizeClass(SlabAllocator owner, int slotSize)
        {
            _owner = owner;
            _slotSize = slotSize;
            _stride = slotSize + CanarySize;
            int page = VirtualMemory.PageSize;
            _slotsPerChunk = owner._chunkBytes / page * (page / _stride);
        }

        public SlabBuffer Allocate(int length)
        {
            if (!TryPop(out SlabChunk? chunk, out int local))
            {
                (chunk, local) = Grow();
            }

            return _owner.NewBuffer(this, chunk, local, length);
        }

        public void Push(SlabChunk chunk, int local)
        {
            int encoded = chunk.FirstIndex + local + 1;
            Interlocked.Decrement(ref chunk.Live);
            while (true)
            {
                long head = Volatile.Read(ref _head);
                chunk.Next[local] = (int)(uint)head;
                if (Interlocked.CompareExchange(ref _head, NextHead(head, encoded), head) == head)
                {
                    return;
                }
            }
        }

        public void ReleaseIdleChunks()
        {
            lock (_growLock)
            {
                for (int i = 0; i < _chunkCount; i++)
                {
                    if (Volatile.Read(ref _chunks[i].Live) == 0)
                    {
                        _owner.ReleaseChunk(_chunks[i]);
                    }
                }

                // Freed slots of chunks still in use stay linked; the allocator is disposed, so nothing pops them.
            }
        }

        private static long NextHead(long head, int top) => (long)((((ulong)head >> 32) + 1) << 32) | (uint)top;

        private bool TryPop([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SlabChunk? chunk, out int local)
        {
            while (true)
            {
                long head = Volatile.Read(ref _head);
                int top = (int)(uint)head - 1;
                if (top < 0)
                {
                    chunk = null;
                    local = 0;
                    return false;
                }

                // The chunk was published before any of its slots was pushed, and the CAS that pushed it is a full fence.
                SlabChunk candidate = Volatile.Read(ref _chunks)[top / _slotsPerChunk];
                int slot = top - candidate.FirstIndex;
                int next = Volatile.Read(ref candidate.Next[slot]);
                if (Interlocked.CompareExchange(ref _head, NextHead(head, next), head) == head)
                {
                    Interlocked.Increment(ref candidate.Live);
                    chunk = candidate;
                    local = slot;
                    return true;
                }
            }
        }

        private (SlabChunk Chunk, int Local) Grow()
        {
            lock (_growLock)
            {
                if (TryPop(out SlabChunk? raced, out int racedLocal))
                {
                    return (raced, racedLocal);
                }

                if (_chunkCount >= int.MaxValue / _slotsPerChunk - 1)
                {
                    throw new SecureMemoryException($"Too many {_slotSize}-byte secure buffers.");
                }

                int first = _chunkCount * _slotsPerChunk;
                SlabChunk chunk = _owner.MapChunk(_owner._chunkBytes, VirtualMemory.PageSize, _slotSize, _stride, first);
                chunk.Live = 1;

                SlabChunk[] chunks = _chunks;
                if (_chunkCount == chunks.Length)
                {
                    Array.Resize(ref chunks, chunks.Length * 2);
                }

                chunks[_chunkCount++] = chunk;
                Volatile.Write(ref _chunks, chunks);

                // Slot 0 goes to the caller; slots 1..n-1 are chained and pushed with one CAS.
                int n = chunk.SlotCount;
                if (n > 1)
                {
                    for (int i = 1; i < n - 1; i++)
                    {
                        chunk.Next[i] = first + i + 2;
                    }

                    while (true)
                    {
                        long head = Volatile.Read(ref _head);
                        chunk.Next[n - 1] = (int)(uint)head;
                        if (Interlocked.CompareExchange(ref _head, NextHead(head, first + 2), head) == head)
                        {
                            break;
                        }
                    }
                }

                return (chunk, 0);
            }
        }
    }

    private class SlabBuffer(SlabAllocator owner, SizeClass? sizeClass, SlabChunk chunk, int local, int length)
        : SecureBuffer(chunk.SlotAddress(local), length)
    {
        public SlabAllocator Owner { get; } = owner;

        public SizeClass? SizeClass { get; } = sizeClass;

        public SlabChunk Chunk { get; } = chunk;

        public int Local { get; } = local;

        public int Region { get; } = chunk.RegionOf(local);

        protected override void FreeCore() => Owner.Release(this);
    }

    /// <summary>A buffer whose page is opened only between EnterAccess and ExitAccess.</summary>
    private sealed class StrictSlabBuffer(SlabAllocator owner, SizeClass? sizeClass, SlabChunk chunk, int local, int length)
        : SlabBuffer(owner, sizeClass, chunk, local, length)
    {
        public override void EnterAccess() => Chunk.EnterRegion(Region);

        public override void ExitAccess() => Chunk.ExitRegion(Region);
    }
}

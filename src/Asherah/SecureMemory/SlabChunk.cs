namespace Asherah.SecureMemory;

/// <summary>
/// One mapping of a <see cref="SlabAllocator"/>: a guard page, the usable pages divided into slots, a guard page.
/// </summary>
/// <remarks>
/// <code>
/// mapping := guard(PROT_NONE, 1 page) usable guard(PROT_NONE, 1 page)
/// usable  := region*                      ; a region is one page (a whole large allocation for oversize requests)
/// region  := slot{SlotsPerRegion} pad     ; no slot straddles a page, so strict mode protects whole slots
/// slot    := bytes[SlotSize] canary[16]   ; Stride = SlotSize + 16, a multiple of 16, so slots are 16-byte aligned
/// </code>
/// In strict mode every region starts <c>PROT_NONE</c> and has an access count; see <see cref="EnterRegion"/>.
/// </remarks>
internal sealed unsafe class SlabChunk
{
    private readonly int[]? _accessCounts;
    private readonly Lock[]? _regionLocks;

    public SlabChunk(
        nint mapping, nuint mappingSize, int usableBytes, int regionSize, int slotSize, int stride, int index, bool isLocked, bool strict)
    {
        Mapping = mapping;
        MappingSize = mappingSize;
        Start = (byte*)mapping + VirtualMemory.PageSize;
        UsableBytes = usableBytes;
        RegionSize = regionSize;
        SlotSize = slotSize;
        Stride = stride;
        SlotsPerRegion = regionSize / stride;
        SlotCount = (usableBytes / regionSize) * SlotsPerRegion;
        Index = index;
        IsLocked = isLocked;
        Next = new int[SlotCount];
        if (strict)
        {
            int regions = usableBytes / regionSize;
            _accessCounts = new int[regions];
            _regionLocks = new Lock[regions];
            for (int i = 0; i < regions; i++)
            {
                _regionLocks[i] = new Lock();
            }
        }
    }

    public nint Mapping { get; }

    public nuint MappingSize { get; }

    /// <summary>First usable byte (page aligned, right after the leading guard page).</summary>
    public byte* Start { get; }

    public int UsableBytes { get; }

    public int RegionSize { get; }

    /// <summary>Usable bytes of a slot; the canary follows them.</summary>
    public int SlotSize { get; }

    public int Stride { get; }

    public int SlotsPerRegion { get; }

    public int SlotCount { get; }

    /// <summary>The chunk's position among its size class's chunks (0 for a large buffer's own chunk).</summary>
    public int Index { get; }

    public bool IsLocked { get; }

    /// <summary>Free-list links, kept out of the secret memory: the slot id of the next free slot (0 = end); see <see cref="SlabSizeClass"/>.</summary>
    public int[] Next { get; }

    /// <summary>Slots handed out and not returned (quarantined slots stay counted).</summary>
    public int Live;

    public int RegionOf(int local) => local / SlotsPerRegion;

    public byte* SlotAddress(int local) =>
        Start + ((local / SlotsPerRegion) * RegionSize) + ((local % SlotsPerRegion) * Stride);

    /// <summary>Starts an access to a region in strict mode: makes it readable and writable unless it already is.</summary>
    /// <remarks>
    /// The count of accesses in progress changes 0 -> 1 only under the region's lock and only after the region is made
    /// accessible; it changes 1 -> 0 only under the lock, and the region is re-protected before the lock is released. An
    /// access that finds the count above zero therefore finds the region accessible and can join it with a CAS, and no
    /// region is re-protected while an access to it is in progress.
    /// </remarks>
    public void EnterRegion(int region)
    {
        ref int count = ref _accessCounts![region];
        int c = Volatile.Read(ref count);
        while (c > 0)
        {
            int seen = Interlocked.CompareExchange(ref count, c + 1, c);
            if (seen == c)
            {
                return;
            }

            c = seen;
        }

        lock (_regionLocks![region])
        {
            if (Volatile.Read(ref count) == 0)
            {
                VirtualMemory.Protect(RegionAddress(region), (nuint)RegionSize, readWrite: true);
            }

            Interlocked.Increment(ref count);
        }
    }

    /// <summary>Ends an access started by <see cref="EnterRegion"/>; the last one out re-protects the region.</summary>
    public void ExitRegion(int region)
    {
        ref int count = ref _accessCounts![region];
        int c = Volatile.Read(ref count);
        while (c > 1)
        {
            int seen = Interlocked.CompareExchange(ref count, c - 1, c);
            if (seen == c)
            {
                return;
            }

            c = seen;
        }

        lock (_regionLocks![region])
        {
            int left = Interlocked.Decrement(ref count);
            if (left == 0)
            {
                VirtualMemory.Protect(RegionAddress(region), (nuint)RegionSize, readWrite: false);
            }
            else if (left < 0)
            {
                Interlocked.Increment(ref count);
                throw new InvalidOperationException("ExitAccess was called without a matching EnterAccess.");
            }
        }
    }

    /// <summary>Accesses in progress on a region (strict mode), for tests.</summary>
    internal int AccessCount(int region) => Volatile.Read(ref _accessCounts![region]);

    private nint RegionAddress(int region) => (nint)(Start + ((long)region * RegionSize));
}

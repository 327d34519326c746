namespace Asherah.SecureMemory;

/// <summary>The slots of one size in a <see cref="SlabAllocator"/>: its chunks and a lock-free free list over them.</summary>
/// <remarks>
/// The free list is a LIFO stack (a Treiber stack). The head is a 64-bit word holding a 32-bit modification tag and the
/// index of the top free slot; every successful compare-and-swap bumps the tag, which rules out ABA. Links live in a
/// managed array per chunk (<see cref="SlabChunk.Next"/>), never in the secret memory, so a slot is not touched by the
/// free list and strict-mode pages need not be opened to allocate. Only growth (mapping a new chunk) takes a lock.
/// </remarks>
internal sealed class SlabSizeClass
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

    public SlabSizeClass(SlabAllocator owner, int slotSize)
    {
        _owner = owner;
        _slotSize = slotSize;
        _stride = slotSize + SlabAllocator.CanarySize;
        int page = VirtualMemory.PageSize;
        _slotsPerChunk = owner.ChunkBytes / page * (page / _stride);
    }

    /// <summary>Usable bytes of every slot of this class.</summary>
    public int SlotSize => _slotSize;

    /// <summary>Takes a free slot, mapping a new chunk when there is none.</summary>
    public SlabBuffer Allocate(int length)
    {
        if (!TryPop(out SlabChunk? chunk, out int local))
        {
            (chunk, local) = Grow();
        }

        return _owner.NewBuffer(this, chunk, local, length);
    }

    /// <summary>Returns a wiped slot to the free list.</summary>
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

    /// <summary>Unmaps the chunks with no live slots (the allocator is being disposed).</summary>
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
            SlabChunk chunk = _owner.MapChunk(_owner.ChunkBytes, VirtualMemory.PageSize, _slotSize, _stride, first);
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

using System.Numerics;

namespace Asherah.SecureMemory;

/// <summary>The slots of one size in a <see cref="SlabAllocator"/>: its chunks and a lock-free free list over them.</summary>
/// <remarks>
/// <para>
/// Growth: chunk k of a class has min(page &lt;&lt; k, ChunkBytes) usable bytes, so the first chunk is one page and
/// each next one doubles up to <see cref="SecureMemoryOptions.ChunkSize"/>. A small application then locks one page
/// per slot size it uses instead of a whole chunk, and fits the common 64 KiB RLIMIT_MEMLOCK, while a large cache still
/// grows in full chunks. Every chunk is whole pages of whole slots, so the small ones lock no more per key than full
/// ones; they only add log2(ChunkSize / page) mappings per size class.
/// </para>
/// <para>
/// The free list is a LIFO stack (a Treiber stack). The head is a 64-bit word holding a 32-bit modification tag and the
/// id of the top free slot; every successful compare-and-swap bumps the tag, which rules out ABA. Links live in a
/// managed array per chunk (<see cref="SlabChunk.Next"/>), never in the secret memory, so a slot is not touched by the
/// free list and strict-mode pages need not be opened to allocate. Only growth (mapping a new chunk) takes a lock.
/// </para>
/// <code>
/// head    := tag:32 | top:32
/// top     := 0 (empty) | slot id
/// slot id := ((chunk index &lt;&lt; LocalBits) | slot index in chunk) + 1   ; LocalBits fits a full-size chunk's slots
/// </code>
/// </remarks>
internal sealed class SlabSizeClass
{
    private readonly SlabAllocator _owner;
    private readonly int _slotSize;
    private readonly int _stride;
    private readonly int _maxChunkBytes;
    private readonly int _localBits;
    private readonly int _maxChunks;
    private readonly Lock _growLock = new();
    private SlabChunk[] _chunks = new SlabChunk[8];
    private int _chunkCount;

    // See the grammar above; written only with Interlocked.CompareExchange.
    private long _head;

    public SlabSizeClass(SlabAllocator owner, int slotSize, int maxChunkBytes)
    {
        _owner = owner;
        _slotSize = slotSize;
        _stride = slotSize + SlabAllocator.CanarySize;
        _maxChunkBytes = maxChunkBytes;
        int page = VirtualMemory.PageSize;
        int slotsPerFullChunk = maxChunkBytes / page * (page / _stride);
        _localBits = BitOperations.Log2((uint)(slotsPerFullChunk - 1)) + 1;
        _maxChunks = int.MaxValue >> _localBits; // keeps every slot id positive as an int
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
        int id = SlotId(chunk.Index, local);
        Interlocked.Decrement(ref chunk.Live);
        while (true)
        {
            long head = Volatile.Read(ref _head);
            chunk.Next[local] = (int)(uint)head;
            if (Interlocked.CompareExchange(ref _head, NextHead(head, id), head) == head)
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

    /// <summary>Usable bytes of chunk <paramref name="index"/>: one page, doubling up to the chunk size.</summary>
    internal static int ChunkBytesAt(int index, int maxChunkBytes, int page)
    {
        int doublings = BitOperations.Log2((uint)(maxChunkBytes / page));
        return index >= doublings ? maxChunkBytes : page << index;
    }

    private static long NextHead(long head, int top) => (long)((((ulong)head >> 32) + 1) << 32) | (uint)top;

    private int SlotId(int chunk, int local) => ((chunk << _localBits) | local) + 1;

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
            SlabChunk candidate = Volatile.Read(ref _chunks)[top >> _localBits];
            int slot = top & ((1 << _localBits) - 1);
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

            if (_chunkCount >= _maxChunks)
            {
                throw new SecureMemoryException($"Too many {_slotSize}-byte secure buffers.");
            }

            int index = _chunkCount;
            int page = VirtualMemory.PageSize;
            SlabChunk chunk = _owner.MapChunk(ChunkBytesAt(index, _maxChunkBytes, page), page, _slotSize, _stride, index);
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
                    chunk.Next[i] = SlotId(index, i + 1);
                }

                while (true)
                {
                    long head = Volatile.Read(ref _head);
                    chunk.Next[n - 1] = (int)(uint)head;
                    if (Interlocked.CompareExchange(ref _head, NextHead(head, SlotId(index, 1)), head) == head)
                    {
                        break;
                    }
                }
            }

            return (chunk, 0);
        }
    }
}

namespace Asherah.SecureMemory;

/// <summary>A <see cref="SecureBuffer"/> in a slot of a <see cref="SlabChunk"/> (or in a large buffer's own chunk).</summary>
internal unsafe class SlabBuffer(SlabAllocator owner, SlabSizeClass? sizeClass, SlabChunk chunk, int local, int length)
    : SecureBuffer(chunk.SlotAddress(local), length)
{
    public SlabAllocator Owner { get; } = owner;

    /// <summary>The size class the slot returns to; null for a large buffer, whose chunk is unmapped on free.</summary>
    public SlabSizeClass? SizeClass { get; } = sizeClass;

    public SlabChunk Chunk { get; } = chunk;

    /// <summary>The slot's index within <see cref="Chunk"/>.</summary>
    public int Local { get; } = local;

    /// <summary>The strict-mode region (page) holding the slot.</summary>
    public int Region { get; } = chunk.RegionOf(local);

    protected override void FreeCore() => Owner.Release(this);
}

/// <summary>A buffer whose page is opened only between EnterAccess and ExitAccess.</summary>
internal sealed class StrictSlabBuffer(SlabAllocator owner, SlabSizeClass? sizeClass, SlabChunk chunk, int local, int length)
    : SlabBuffer(owner, sizeClass, chunk, local, length)
{
    public override void EnterAccess() => Chunk.EnterRegion(Region);

    public override void ExitAccess() => Chunk.ExitRegion(Region);
}

using Asherah.SecureMemory;

namespace Asherah.Tests.SecureMemory;

public sealed class SecureMemoryOptionsTests
{
    [Fact]
    public void Defaults_AreLockedOnlyNonStrictAndLeaveCoreDumpsAlone()
    {
        var options = new SecureMemoryOptions();

        Assert.False(options.AllowUnlockedFallback);
        Assert.False(options.StrictProtection);
        Assert.False(options.DisableCoreDumps);
        Assert.Equal(64 * 1024, options.ChunkSize);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8192)]
    [InlineData(100_000)]
    [InlineData(32 * 1024 * 1024)]
    public void ChunkSize_OutsideRangeOrNotAPowerOfTwo_Throws(int value)
    {
        var options = new SecureMemoryOptions();

        Assert.Throws<ArgumentOutOfRangeException>(() => options.ChunkSize = value);
        Assert.Equal(SecureMemoryOptions.DefaultChunkSize, options.ChunkSize);
    }

    [Fact]
    public void ChunkSize_OfTwoHundredFiftySixKiB_CapsTheDoublingChunks()
    {
        using var allocator = new SlabAllocator(new SecureMemoryOptions { ChunkSize = 256 * 1024 });
        int page = Environment.SystemPageSize;
        int doubling = (256 * 1024) - page; // one page, doubling up to 128 KiB: 2 * 128 KiB - 1 page
        int slots = (doubling + (2 * 256 * 1024)) / 64;

        var buffers = Enumerable.Range(0, slots).Select(_ => allocator.Allocate(48)).ToList();

        Assert.Equal(doubling + (2 * 256 * 1024), allocator.LockedBytes);
        Assert.Equal(256 * 1024, SlabAllocator.ChunkBounds(buffers[^1]).Length);
        Assert.Equal(2, buffers.Select(b => SlabAllocator.ChunkBounds(b)).Distinct().Count(c => c.Length == 256 * 1024));
        buffers.ForEach(b => b.Free());
    }

    [Fact]
    public void Create_ReturnsOneSharedSlabAllocatorPerSetOfOptions()
    {
        SecureAllocator a = SecureAllocators.Create(new SecureMemoryOptions { ChunkSize = 32 * 1024 });
        SecureAllocator b = SecureAllocators.Create(new SecureMemoryOptions { ChunkSize = 32 * 1024 });
        SecureAllocator strict = SecureAllocators.Create(new SecureMemoryOptions { ChunkSize = 32 * 1024, StrictProtection = true });

        Assert.IsType<SlabAllocator>(a);
        Assert.Same(a, b);
        Assert.NotSame(a, strict);
        Assert.True(((SlabAllocator)strict).IsStrict);
    }

    [Fact]
    public unsafe void Create_WithALogger_AttachesItToASharedAllocatorCreatedWithoutOne()
    {
        var options = new SecureMemoryOptions { ChunkSize = 2 * 1024 * 1024 }; // options no other test shares
        var logger = new RecordingLogger();
        SecureAllocator withoutLogger = SecureAllocators.Create(options);
        SecureAllocator withLogger = SecureAllocators.Create(options, logger);
        SecureAllocator laterLogger = SecureAllocators.Create(options, new RecordingLogger());

        SecureBuffer buffer = withoutLogger.Allocate(16);
        buffer.Pointer[SlabAllocator.SlotCapacity(buffer)] ^= 0x10;
        buffer.Free();

        Assert.Same(withoutLogger, withLogger);
        Assert.Same(withLogger, laterLogger);
        Assert.Contains(logger.Entries, e => e.Id.Id == 103); // the first logger passed, not the later one
    }
}

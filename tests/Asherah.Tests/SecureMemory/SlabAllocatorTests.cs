using System.Diagnostics;
using System.Diagnostics.Metrics;
using Asherah.SecureMemory;
using Microsoft.Extensions.Logging;

namespace Asherah.Tests.SecureMemory;

public sealed unsafe class SlabAllocatorTests : IDisposable
{
    private readonly SlabAllocator _allocator = new(new SecureMemoryOptions());

    public void Dispose() => _allocator.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(33)]
    [InlineData(48)]
    [InlineData(200)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(5000)]
    public void Allocate_ReturnsZeroFilledSixteenByteAlignedBufferOfTheRequestedLength(int length)
    {
        SecureBuffer buffer = _allocator.Allocate(length);

        Assert.Equal(length, buffer.Length);
        Assert.Equal(0, (long)buffer.Pointer % 16);
        buffer.EnterAccess();
        Assert.True(buffer.Span.IndexOfAnyExcept((byte)0) < 0);
        buffer.Span.Fill(0xEE);
        buffer.ExitAccess();
        buffer.Free();
        Assert.True(buffer.IsFreed);
    }

    [Fact]
    public void Allocate_NonPositiveLength_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _allocator.Allocate(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _allocator.Allocate(-1));
    }

    [Fact]
    public void Allocate_ManySmallKeys_ShareOneLockedPage()
    {
        int perPage = Environment.SystemPageSize / 64; // a 48-byte key and its canary take 64 bytes
        var buffers = Enumerable.Range(0, perPage).Select(_ => _allocator.Allocate(48)).ToList();

        Assert.Equal(Environment.SystemPageSize, _allocator.LockedBytes);
        Assert.Equal(perPage, _allocator.AllocatedBuffers);
        Assert.Equal(perPage, buffers.Select(b => (nint)b.Pointer).Distinct().Count());
        buffers.ForEach(b => b.Free());
        Assert.Equal(0, _allocator.AllocatedBuffers);
    }

    [Fact]
    public void Allocate_FirstChunkIsOnePageAndEachNextDoublesUpToTheChunkSize()
    {
        int page = Environment.SystemPageSize;
        int full = SecureMemoryOptions.DefaultChunkSize;
        var expected = new List<int>();
        for (int bytes = page; bytes < full; bytes *= 2)
        {
            expected.Add(bytes);
        }

        expected.Add(full);
        expected.Add(full);
        int slots = expected.Sum() / 64;

        var buffers = Enumerable.Range(0, slots).Select(_ => _allocator.Allocate(48)).ToList();

        // Chunks in the order they were mapped: a new chunk's first slot is handed out first.
        var chunks = buffers.Select(b => SlabAllocator.ChunkBounds(b)).Distinct().ToList();
        Assert.Equal(expected, chunks.Select(c => c.Length));
        Assert.Equal(expected.Sum(), _allocator.LockedBytes);
        Assert.Equal(slots, buffers.Select(b => (nint)b.Pointer).Distinct().Count());
        Assert.All(buffers, b =>
        {
            (nint start, int length) = SlabAllocator.ChunkBounds(b);
            Assert.InRange((nint)b.Pointer, start, start + length - 64);
        });
        buffers.ForEach(b => b.Free());

        // Freed slots of every chunk are reused before anything new is mapped.
        var again = Enumerable.Range(0, slots).Select(_ => _allocator.Allocate(48)).ToList();
        Assert.Equal(expected.Sum(), _allocator.LockedBytes);
        again.ForEach(b => b.Free());
    }

    [LinuxFact]
    public void Allocate_MapsChunksLockedAndExcludedFromCoreDumps()
    {
        SecureBuffer buffer = _allocator.Allocate(48);

        SmapsMapping mapping = SmapsMapping.Containing((nint)buffer.Pointer);

        Assert.Contains("dd", mapping.VmFlags);
        Assert.Contains("lo", mapping.VmFlags);
        Assert.True(mapping.KiloBytes["Locked"] > 0, $"Locked: {mapping.KiloBytes["Locked"]} kB");
        Assert.StartsWith("rw", mapping.Permissions, StringComparison.Ordinal);
        (nint start, int length) = SlabAllocator.ChunkBounds(buffer);
        Assert.Equal((ulong)start, mapping.Start);
        Assert.Equal((ulong)(start + length), mapping.End);

        // The guard pages on either side are inaccessible and not locked.
        SmapsMapping before = SmapsMapping.Containing(start - 1);
        SmapsMapping after = SmapsMapping.Containing(start + length);
        Assert.Equal("---p", before.Permissions);
        Assert.Equal("---p", after.Permissions);
        Assert.DoesNotContain("lo", before.VmFlags);
        buffer.Free();
    }

    [Fact]
    public void Free_WipesTheSlot()
    {
        SecureBuffer buffer = _allocator.Allocate(48);
        SecureBuffer neighbour = _allocator.Allocate(48);
        byte* raw = buffer.Pointer;
        buffer.Span.Fill(0xA5);
        neighbour.Span.Fill(0x5A);

        buffer.Free();

        // The chunk stays mapped, so the slot can be read after free.
        Assert.True(new ReadOnlySpan<byte>(raw, 48).IndexOfAnyExcept((byte)0) < 0);
        Assert.True(neighbour.Span.IndexOfAnyExcept((byte)0x5A) < 0);
        neighbour.Free();
    }

    [Fact]
    public void Free_OfASmallerRequest_WipesTheWholeSlot()
    {
        SecureBuffer buffer = _allocator.Allocate(20);
        byte* raw = buffer.Pointer;

        // Write into the slack the slot has beyond the 20 requested bytes (the class holds 32).
        new Span<byte>(raw, SlabAllocator.SlotCapacity(buffer)).Fill(0xC3);
        buffer.Free();

        Assert.True(new ReadOnlySpan<byte>(raw, SlabAllocator.SlotCapacity(buffer)).IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    public void Free_AfterCanaryOverwrite_ReturnsButWipesLogsCountsAndQuarantinesTheSlot()
    {
        var logger = new RecordingLogger();
        using var allocator = new SlabAllocator(new SecureMemoryOptions(), logger);
        long processBefore = SecureMemoryStatistics.CorruptionsDetected;
        SecureBuffer buffer = allocator.Allocate(48);
        byte* raw = buffer.Pointer;
        buffer.Span.Fill(0x77);
        raw[SlabAllocator.SlotCapacity(buffer)] ^= 0x01; // one bit past the end

        buffer.Free(); // does not throw

        Assert.True(buffer.IsFreed);
        Assert.True(new ReadOnlySpan<byte>(raw, 48).IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal(1, allocator.QuarantinedSlots);
        Assert.Equal(1, allocator.CorruptionsDetected);
        Assert.True(SecureMemoryStatistics.CorruptionsDetected > processBefore);
        Assert.Equal(0, allocator.AllocatedBuffers);
        var logged = Assert.Single(logger.Entries, e => e.Id.Id == 103);
        Assert.Equal(LogLevel.Critical, logged.Level);
        Assert.Contains("48-byte secure buffer", logged.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(Free_AfterCanaryOverwrite_ReturnsButWipesLogsCountsAndQuarantinesTheSlot), logged.Message, StringComparison.Ordinal);

        // The quarantined slot is never handed out again, though its neighbours are.
        var later = Enumerable.Range(0, 2000).Select(_ => allocator.Allocate(48)).ToList();
        Assert.DoesNotContain(later, b => b.Pointer == raw);
        later.ForEach(b => b.Free());
        var again = Enumerable.Range(0, 2000).Select(_ => allocator.Allocate(48)).ToList();
        Assert.DoesNotContain(again, b => b.Pointer == raw);
        again.ForEach(b => b.Free());
        Assert.Equal(1, allocator.CorruptionsDetected);
    }

    [Fact]
    public void Free_OfACorruptedBufferInAFinally_LetsTheOriginalExceptionSurface()
    {
        var logger = new RecordingLogger();
        using var allocator = new SlabAllocator(new SecureMemoryOptions(), logger);

        void OverrunThenFail()
        {
            SecureBuffer buffer = allocator.Allocate(32);
            try
            {
                buffer.Pointer[SlabAllocator.SlotCapacity(buffer)] = 0xFF; // the overrun
                throw new InvalidOperationException("the original failure");
            }
            finally
            {
                buffer.Free();
            }
        }

        var error = Assert.Throws<InvalidOperationException>(OverrunThenFail);

        Assert.Equal("the original failure", error.Message);
        Assert.Equal(1, allocator.CorruptionsDetected);
        Assert.Contains(logger.Entries, e => e.Id.Id == 103 && e.Level == LogLevel.Critical);
    }

    [Fact]
    public void Free_OfALargeBufferAfterCanaryOverwrite_ReturnsLogsAndUnmapsIt()
    {
        var logger = new RecordingLogger();
        using var allocator = new SlabAllocator(new SecureMemoryOptions(), logger);
        SecureBuffer buffer = allocator.Allocate(1000);
        buffer.Pointer[SlabAllocator.SlotCapacity(buffer)] = 0xFF;

        buffer.Free();

        Assert.Equal(0, allocator.LockedBytes);
        Assert.Equal(1, allocator.CorruptionsDetected);
        Assert.Equal(0, allocator.QuarantinedSlots); // its own mapping, wiped and unmapped: nothing to withhold
        Assert.Contains(logger.Entries, e => e.Id.Id == 103 && e.Level == LogLevel.Critical);
    }

    [Fact]
    public void Free_IsIdempotentAndTheSlotIsReused()
    {
        SecureBuffer first = _allocator.Allocate(32);
        byte* raw = first.Pointer;
        first.Free();
        first.Free();

        SecureBuffer second = _allocator.Allocate(32);

        Assert.True(second.Pointer == raw);
        Assert.Equal(1, _allocator.AllocatedBuffers);
        second.Free();
    }

    [Fact]
    public void Free_OfALargeBuffer_UnmapsIt()
    {
        SecureBuffer small = _allocator.Allocate(16);
        long before = _allocator.LockedBytes;

        SecureBuffer large = _allocator.Allocate(3 * Environment.SystemPageSize);
        Assert.Equal(before + (4 * Environment.SystemPageSize), _allocator.LockedBytes);
        large.Free();

        Assert.Equal(before, _allocator.LockedBytes);
        small.Free();
    }

    [Fact]
    public void Dispose_UnmapsIdleChunksAndRefusesFurtherAllocations()
    {
        var allocator = new SlabAllocator(new SecureMemoryOptions());
        long processBefore = SecureMemoryStatistics.LockedBytes;
        allocator.Allocate(64).Free();
        allocator.Allocate(128).Free();
        Assert.Equal(2 * Environment.SystemPageSize, allocator.LockedBytes); // the first chunk of two size classes

        allocator.Dispose();

        Assert.Equal(0, allocator.LockedBytes);
        Assert.Throws<ObjectDisposedException>(() => allocator.Allocate(16));
        Assert.True(SecureMemoryStatistics.LockedBytes <= processBefore + allocator.LockedBytes + (16 * SecureMemoryOptions.DefaultChunkSize));
    }

    [Fact]
    public void LockedBytes_IsPublishedProcessWideAndOnTheMeter()
    {
        SecureBuffer buffer = _allocator.Allocate(48);
        var observed = new Dictionary<string, long>();
        string? unit = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Asherah.SecureMemory")
            {
                l.EnableMeasurementEvents(instrument);
                if (instrument.Name == "asherah.secure_memory.locked")
                {
                    unit = instrument.Unit;
                }
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => observed[instrument.Name] = value);
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Equal("By", unit);
        Assert.True(observed["asherah.secure_memory.locked"] >= _allocator.LockedBytes);
        Assert.True(observed["asherah.secure_memory.buffers"] >= 1);
        Assert.True(observed.ContainsKey("asherah.secure_memory.unlocked"));
        Assert.True(observed.ContainsKey("asherah.secure_memory.corruptions"));
        Assert.True(SecureMemoryStatistics.LockedBytes >= _allocator.LockedBytes);
        buffer.Free();
    }

    [Fact]
    public void ConcurrentAllocateWriteVerifyFree_FromThirtyTwoThreads_FindsNoCorruption()
    {
        int[] sizes = [16, 24, 32, 48, 64, 100, 128, 256, 300];
        long operations = 0;
        int corrupt = 0;
        var clock = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, 32).Select(id => new Thread(() =>
        {
            var random = new Random(id);
            var held = new List<(SecureBuffer Buffer, byte Pattern)>();
            long mine = 0;
            while (clock.Elapsed < TimeSpan.FromSeconds(3))
            {
                if (held.Count < 64 && (held.Count == 0 || random.Next(3) != 0))
                {
                    SecureBuffer b = _allocator.Allocate(sizes[random.Next(sizes.Length)]);
                    byte pattern = (byte)random.Next(1, 256);
                    if (b.Span.IndexOfAnyExcept((byte)0) >= 0)
                    {
                        Interlocked.Increment(ref corrupt); // handed out dirty or shared with another holder
                    }

                    b.Span.Fill(pattern);
                    held.Add((b, pattern));
                }
                else
                {
                    int i = random.Next(held.Count);
                    (SecureBuffer b, byte pattern) = held[i];
                    if (b.Span.IndexOfAnyExcept(pattern) >= 0)
                    {
                        Interlocked.Increment(ref corrupt);
                    }

                    b.Free();
                    held[i] = held[^1];
                    held.RemoveAt(held.Count - 1);
                }

                mine++;
            }

            foreach ((SecureBuffer b, byte pattern) in held)
            {
                if (b.Span.IndexOfAnyExcept(pattern) >= 0)
                {
                    Interlocked.Increment(ref corrupt);
                }

                b.Free();
            }

            Interlocked.Add(ref operations, mine);
        })).ToList();

        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(0, corrupt);
        Assert.Equal(0, _allocator.AllocatedBuffers);
        Assert.Equal(0, _allocator.QuarantinedSlots);
        Assert.True(operations > 10_000, $"only {operations} operations");
    }
}

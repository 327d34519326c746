using Asherah.SecureMemory;

namespace Asherah.Tests.SecureMemory;

public sealed unsafe class StrictProtectionTests : IDisposable
{
    private readonly SlabAllocator _allocator = new(new SecureMemoryOptions { StrictProtection = true });

    public void Dispose() => _allocator.Dispose();

    [LinuxFact]
    public void Page_IsInaccessibleOutsideAnAccessAndReadableInside()
    {
        SecureBuffer buffer = _allocator.Allocate(48);

        Assert.Equal("---p", SmapsMapping.Containing((nint)buffer.Pointer).Permissions);
        buffer.EnterAccess();
        SmapsMapping open = SmapsMapping.Containing((nint)buffer.Pointer);
        buffer.Span.Fill(1);
        buffer.ExitAccess();
        SmapsMapping closed = SmapsMapping.Containing((nint)buffer.Pointer);

        Assert.Equal("rw-p", open.Permissions);
        Assert.Equal((ulong)Environment.SystemPageSize, open.End - open.Start); // only the key's page is opened
        Assert.Equal("---p", closed.Permissions);
        Assert.Contains("lo", closed.VmFlags); // protection does not unlock
        Assert.Contains("dd", closed.VmFlags);
        buffer.Free();
    }

    [LinuxFact]
    public void Page_StaysOpenUntilTheLastOverlappingAccessOnItEnds()
    {
        SecureBuffer a = _allocator.Allocate(48);
        SecureBuffer b = _allocator.Allocate(48);
        Assert.Equal((nint)a.Pointer / Environment.SystemPageSize, (nint)b.Pointer / Environment.SystemPageSize);

        a.EnterAccess();
        b.EnterAccess();
        a.ExitAccess();
        Assert.Equal("rw-p", SmapsMapping.Containing((nint)b.Pointer).Permissions);
        b.Span.Fill(2);
        b.ExitAccess();

        Assert.Equal("---p", SmapsMapping.Containing((nint)b.Pointer).Permissions);
        a.Free();
        b.Free();
    }

    [Fact]
    public void ExitAccess_WithoutEnterAccess_Throws()
    {
        SecureBuffer buffer = _allocator.Allocate(16);

        Assert.Throws<InvalidOperationException>(buffer.ExitAccess);
        buffer.Free();
    }

    [Fact]
    public void Free_WipesAndDetectsCanaryOverwriteWithThePageProtected()
    {
        SecureBuffer buffer = _allocator.Allocate(64);
        buffer.EnterAccess();
        buffer.Span.Fill(0x42);
        buffer.Pointer[SlabAllocator.SlotCapacity(buffer)] ^= 0x80;
        buffer.ExitAccess();

        buffer.Free(); // detected, logged and counted, not thrown

        buffer.EnterAccess(); // the page is protected again after free; open it to look
        bool wiped = new ReadOnlySpan<byte>(buffer.Pointer, 64).IndexOfAnyExcept((byte)0) < 0;
        buffer.ExitAccess();
        Assert.True(wiped);
        Assert.Equal(1, _allocator.QuarantinedSlots);
        Assert.Equal(1, _allocator.CorruptionsDetected);
    }

    [LinuxFact]
    public void ConcurrentAccessesToSharedPages_NeverFault()
    {
        // In-process: a fault here would kill the test host, so this also runs (longer) in the child-process test.
        var buffers = Enumerable.Range(0, 256).Select(i =>
        {
            SecureBuffer b = _allocator.Allocate(48);
            b.EnterAccess();
            b.Span.Fill((byte)i);
            b.ExitAccess();
            return b;
        }).ToArray();
        int corrupt = 0;

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            var random = new Random(t);
            for (int n = 0; n < 20_000; n++)
            {
                int i = random.Next(buffers.Length);
                buffers[i].EnterAccess();
                if (buffers[i].Span.IndexOfAnyExcept((byte)i) >= 0)
                {
                    Interlocked.Increment(ref corrupt);
                }

                buffers[i].ExitAccess();
            }
        });

        Assert.Equal(0, corrupt);
        Assert.Equal("---p", SmapsMapping.Containing((nint)buffers[0].Pointer).Permissions);
        foreach (SecureBuffer b in buffers)
        {
            b.Free();
        }
    }
}

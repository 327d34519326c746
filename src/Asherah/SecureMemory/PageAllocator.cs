using Asherah.SecureMemory.Native;

namespace Asherah.SecureMemory;

/// <summary>
/// One mapping per secret: mmap, mlock, MADV_DONTDUMP. Simple and strict about locking, but each secret costs a page of
/// locked memory.
/// </summary>
internal sealed unsafe class PageAllocator : SecureAllocator
{
    private static readonly int PageSize = Environment.SystemPageSize;
    private long _locked;

    public override long LockedBytes => Interlocked.Read(ref _locked);

    public override SecureBuffer Allocate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("This allocator needs mmap and mlock (Linux or macOS).");
        }

        nuint size = (nuint)(((length + PageSize - 1) / PageSize) * PageSize);
        nint p = Libc.Mmap(0, size, Libc.ProtRead | Libc.ProtWrite, Libc.MapPrivate | Libc.MapAnonymous, -1, 0);
        if (p == Libc.MapFailed)
        {
            throw new SecureMemoryException("mmap failed for secure memory.", System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
        }

        if (Libc.Mlock(p, size) != 0)
        {
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            _ = Libc.Munmap(p, size);
            throw new SecureMemoryException(
                $"mlock failed for secure memory (errno {errno}); the locked-memory limit (ulimit -l) may be reached.",
                errno);
        }

        if (OperatingSystem.IsLinux())
        {
            _ = Libc.Madvise(p, size, Libc.MadvDontDump);
        }

        Interlocked.Add(ref _locked, (long)size);
        return new PageBuffer(this, (byte*)p, length, size);
    }

    private sealed class PageBuffer(PageAllocator owner, byte* pointer, int length, nuint size)
        : SecureBuffer(pointer, length)
    {
        protected override void FreeCore()
        {
            _ = Libc.Munlock((nint)Pointer, size);
            _ = Libc.Munmap((nint)Pointer, size);
            Interlocked.Add(ref owner._locked, -(long)size);
        }
    }
}

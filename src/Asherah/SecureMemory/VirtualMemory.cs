using System.Runtime.InteropServices;
using Asherah.SecureMemory.Native;

namespace Asherah.SecureMemory;

/// <summary>
/// Page-granular memory primitives, selected at run time: mmap/mlock/mprotect/madvise on Linux and macOS,
/// VirtualAlloc/VirtualLock/VirtualProtect on Windows.
/// </summary>
/// <remarks>
/// Exclusion from core dumps: Linux uses <c>MADV_DONTDUMP</c>. macOS has no per-range exclusion; its core dumps are off
/// by default (<c>kern.coredump</c>, <c>ulimit -c 0</c>), and <see cref="SecureMemoryOptions.DisableCoreDumps"/> makes
/// sure; there we apply <c>MADV_ZERO_WIRED_PAGES</c> so locked pages are zeroed by the kernel when unmapped. Windows has
/// no per-range exclusion for crash dumps either; configure Windows Error Reporting instead.
/// </remarks>
internal static class VirtualMemory
{
    public static readonly int PageSize = Environment.SystemPageSize;

    private static bool IsPosix => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();

    /// <summary>Maps <paramref name="size"/> bytes (a page multiple), zero-filled, readable and writable.</summary>
    public static nint Map(nuint size)
    {
        if (OperatingSystem.IsWindows())
        {
            nint w = Kernel32.VirtualAlloc(0, size, Kernel32.MemReserve | Kernel32.MemCommit, Kernel32.PageReadWrite);
            if (w == 0)
            {
                int error = Marshal.GetLastPInvokeError();
                throw new SecureMemoryException($"VirtualAlloc of {size} bytes for secure memory failed (error {error}).", error);
            }

            return w;
        }

        ThrowIfUnsupported();
        nint p = Libc.Mmap(0, size, Libc.ProtRead | Libc.ProtWrite, Libc.MapPrivate | Libc.MapAnonymous, -1, 0);
        if (p == Libc.MapFailed)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new SecureMemoryException($"mmap of {size} bytes for secure memory failed (errno {errno}).", errno);
        }

        return p;
    }

    /// <summary>Returns a mapping made by <see cref="Map"/>.</summary>
    public static void Unmap(nint address, nuint size)
    {
        if (OperatingSystem.IsWindows())
        {
            _ = Kernel32.VirtualFree(address, 0, Kernel32.MemRelease);
        }
        else
        {
            _ = Libc.Munmap(address, size);
        }
    }

    /// <summary>Locks the range in RAM; returns 0 or the OS error code.</summary>
    public static int TryLock(nint address, nuint size)
    {
        if (OperatingSystem.IsWindows())
        {
            return Kernel32.VirtualLock(address, size) ? 0 : Marshal.GetLastPInvokeError();
        }

        return Libc.Mlock(address, size) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>Unlocks a range locked by <see cref="TryLock"/>.</summary>
    public static void Unlock(nint address, nuint size)
    {
        if (OperatingSystem.IsWindows())
        {
            _ = Kernel32.VirtualUnlock(address, size);
        }
        else
        {
            _ = Libc.Munlock(address, size);
        }
    }

    /// <summary>Asks the OS to leave the range out of core dumps; false where the OS cannot (see remarks).</summary>
    public static bool ExcludeFromDumps(nint address, nuint size)
    {
        if (OperatingSystem.IsLinux())
        {
            return Libc.Madvise(address, size, Libc.MadvDontDump) == 0;
        }

        if (OperatingSystem.IsMacOS())
        {
            _ = Libc.Madvise(address, size, Libc.MadvZeroWiredPages);
        }

        return false;
    }

    /// <summary>Makes the range readable and writable, or inaccessible.</summary>
    /// <exception cref="SecureMemoryException">The OS refused (for example, too many mappings).</exception>
    public static void Protect(nint address, nuint size, bool readWrite)
    {
        if (OperatingSystem.IsWindows())
        {
            if (!Kernel32.VirtualProtect(address, size, readWrite ? Kernel32.PageReadWrite : Kernel32.PageNoAccess, out _))
            {
                int error = Marshal.GetLastPInvokeError();
                throw new SecureMemoryException($"VirtualProtect of secure memory failed (error {error}).", error);
            }

            return;
        }

        if (Libc.Mprotect(address, size, readWrite ? Libc.ProtRead | Libc.ProtWrite : Libc.ProtNone) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new SecureMemoryException(
                $"mprotect of secure memory failed (errno {errno}); with StrictProtection each protected page is a separate mapping, so check vm.max_map_count.",
                errno);
        }
    }

    /// <summary>The process's soft locked-memory limit in bytes, or null when unlimited or unknown (Windows).</summary>
    public static unsafe long? LockLimit()
    {
        if (!IsPosix)
        {
            return null;
        }

        Libc.RLimit limit;
        if (Libc.GetRLimit(Libc.RLimitMemlock, &limit) != 0 || limit.Current >= Libc.RLimInfinity)
        {
            return null;
        }

        return (long)limit.Current;
    }

    private static void ThrowIfUnsupported()
    {
        if (!IsPosix)
        {
            throw new PlatformNotSupportedException(
                $"Secure memory supports Linux, macOS and Windows; {RuntimeInformation.OSDescription} is not supported.");
        }
    }
}

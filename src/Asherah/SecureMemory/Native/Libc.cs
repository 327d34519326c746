using System.Runtime.InteropServices;

namespace Asherah.SecureMemory.Native;

/// <summary>The few libc calls secure memory needs on Linux and macOS.</summary>
internal static unsafe partial class Libc
{
    public const int ProtNone = 0;
    public const int ProtRead = 1;
    public const int ProtWrite = 2;

    public const int MapPrivate = 0x02;
    public static int MapAnonymous => OperatingSystem.IsMacOS() ? 0x1000 : 0x20;

    public const int MadvDontDump = 16; // Linux only

    /// <summary>macOS only: zero wired (mlocked) pages when they are unmapped. macOS has no MADV_DONTDUMP.</summary>
    public const int MadvZeroWiredPages = 6;

    public const int RLimitCore = 4; // same on Linux and macOS

    /// <summary>RLIMIT_MEMLOCK: 8 on Linux (x64 and arm64), 6 on macOS.</summary>
    public static int RLimitMemlock => OperatingSystem.IsMacOS() ? 6 : 8;

    /// <summary>RLIM_INFINITY: all ones on Linux, 2^63-1 on macOS.</summary>
    public static ulong RLimInfinity => OperatingSystem.IsMacOS() ? long.MaxValue : ulong.MaxValue;

    public static readonly nint MapFailed = -1;

    /// <summary>struct rlimit: two rlim_t (64-bit on every supported platform).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(nint addr, nuint length);

    [LibraryImport("libc", EntryPoint = "mlock", SetLastError = true)]
    public static partial int Mlock(nint addr, nuint length);

    [LibraryImport("libc", EntryPoint = "munlock", SetLastError = true)]
    public static partial int Munlock(nint addr, nuint length);

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    public static partial int Madvise(nint addr, nuint length, int advice);

    [LibraryImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    public static partial int Mprotect(nint addr, nuint length, int prot);

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    public static partial int GetRLimit(int resource, RLimit* limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    public static partial int SetRLimit(int resource, RLimit* limit);
}

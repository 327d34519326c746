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

    public static readonly nint MapFailed = -1;

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
}

using System.Runtime.InteropServices;
using Asherah.SecureMemory.Native;

namespace Asherah;

/// <summary>Process-wide control of core dumps, which could otherwise contain keys.</summary>
public static class CoreDumps
{
    /// <summary>Disables core dumps for the whole process: <c>setrlimit(RLIMIT_CORE, {0, 0})</c>.</summary>
    /// <remarks>
    /// Irreversible for an unprivileged process (the hard limit is lowered too). Linux and macOS only. Secure memory
    /// on Linux is excluded from dumps anyway (<c>MADV_DONTDUMP</c>); this also keeps decrypted data on the managed heap
    /// out of them.
    /// </remarks>
    /// <exception cref="PlatformNotSupportedException">On Windows, which has no core-dump limit: configure Windows Error
    /// Reporting (LocalDumps) instead and leave <see cref="SecureMemoryOptions.DisableCoreDumps"/> false.</exception>
    /// <exception cref="SecureMemoryException">The OS refused.</exception>
    public static unsafe void Disable()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            throw new PlatformNotSupportedException(
                "Core dumps cannot be disabled by a process on this platform; configure Windows Error Reporting (LocalDumps) "
                + "instead and leave SecureMemoryOptions.DisableCoreDumps set to false.");
        }

        Libc.RLimit zero = default;
        if (Libc.SetRLimit(Libc.RLimitCore, &zero) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new SecureMemoryException($"setrlimit(RLIMIT_CORE, 0) failed (errno {errno}).", errno);
        }
    }

    /// <summary>Whether core dumps are currently disabled (the soft RLIMIT_CORE is 0). False on Windows.</summary>
    public static unsafe bool AreDisabled
    {
        get
        {
            if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            {
                return false;
            }

            Libc.RLimit limit;
            return Libc.GetRLimit(Libc.RLimitCore, &limit) == 0 && limit.Current == 0;
        }
    }
}

using System.Text.RegularExpressions;

namespace Asherah.Tests.SecureMemory;

/// <summary>Behaviour that has to be watched from outside: faults, process limits, process-wide locked memory.</summary>
public sealed partial class ChildProcessTests
{
    private const long EightMiB = 8 * 1024 * 1024;

    [LinuxTheory]
    [InlineData("before")]
    [InlineData("after")]
    public void TouchingAGuardPage_KillsTheProcessWithSigsegv(string where)
    {
        ChildResult result = ProbeProcess.Run($"guard {where}");

        Assert.True(result.ExitCode == ChildResult.KilledBySigsegv, result.ToString());
        Assert.Contains($"touching {where} guard", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("survived", result.Stdout, StringComparison.Ordinal);
    }

    [LinuxFact]
    public void StrictMode_TouchingAKeyAfterExitAccess_KillsTheProcessWithSigsegv()
    {
        ChildResult result = ProbeProcess.Run("strict-fault");

        Assert.True(result.ExitCode == ChildResult.KilledBySigsegv, result.ToString());
        Assert.Contains("accessed inside EnterAccess/ExitAccess", result.Stdout, StringComparison.Ordinal);
    }

    [LinuxFact]
    public void StrictMode_ConcurrentReadersAndWriters_NeverFault()
    {
        ChildResult result = ProbeProcess.Run("strict-stress 3 16");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("CORRUPT 0", result.Stdout, StringComparison.Ordinal);
    }

    [LinuxFact]
    public void AtALowMemlockLimit_AllocationFailsWithAClearSecureMemoryException()
    {
        ChildResult result = ProbeProcess.Run("exhaust 5000", memlockBytes: 65536);

        Assert.True(result.ExitCode == 2, result.ToString()); // caught SecureMemoryException, no crash
        Assert.Contains("REFUSED after 960:", result.Stdout, StringComparison.Ordinal); // chunks of 4, 8, 16, 32 KiB fitted
        Assert.Contains("locked-memory limit is 65536 bytes", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Asherah holds 61440 bytes locked", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("SecureMemoryOptions.AllowUnlockedFallback", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("ERRNO 12", result.Stdout, StringComparison.Ordinal); // ENOMEM
    }

    [LinuxFact]
    public void AtALowMemlockLimit_WithFallbackAllowed_LogsAndContinuesUnlockedButDumpExcluded()
    {
        ChildResult result = ProbeProcess.Run("exhaust 5000 fallback", memlockBytes: 65536);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("OK 5000 locked=61440 unlocked=262144", result.Stdout, StringComparison.Ordinal); // 960 + 4 * 1024 slots
        Assert.Single(Regex.Matches(result.Stdout, "LOG Warning 100 "));
        string flags = Regex.Match(result.Stdout, "LAST-VMFLAGS (.*)").Groups[1].Value.Trim();
        Assert.Contains("dd", flags.Split(' '));
        Assert.DoesNotContain("lo", flags.Split(' '));
    }

    [LinuxTheory]
    [InlineData(1)]
    [InlineData(5)]
    public void TheQuickStart_RunsWithinASixtyFourKiBMemlockLimit(int partitions)
    {
        // 64 KiB is the default RLIMIT_MEMLOCK for non-root users on many distributions.
        ChildResult result = ProbeProcess.Run($"quick-start {partitions}", memlockBytes: 65536);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"PARTITIONS {partitions}", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, Field(result, "UNLOCKED"));
        long locked = Field(result, "LOCKED");
        Assert.InRange(locked, 1, 65536);
        Assert.InRange(Field(result, "VMLCK"), locked, 65536);
    }

    [LinuxFact]
    public void HundredThousandFortyEightByteKeys_FitInEightMiBOfLockedMemory()
    {
        ChildResult result = ProbeProcess.Run("capacity 100000 48", memlockBytes: EightMiB);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("BUFFERS 100000", result.Stdout, StringComparison.Ordinal);
        long locked = Field(result, "LOCKED");
        long vmLck = Field(result, "VMLCK");
        Assert.Equal(0, Field(result, "UNLOCKED"));
        // 960 slots in chunks of 4, 8, 16 and 32 KiB, then ceil(99,040 / 1,024) = 97 chunks of 64 KiB.
        Assert.Equal((60 + (97 * 64)) * 1024, locked);
        Assert.True(vmLck <= EightMiB, $"VmLck {vmLck}");
        Assert.True(vmLck >= locked, $"VmLck {vmLck} < allocator's {locked}");
    }

    [LinuxFact]
    public void DisableCoreDumps_SetsTheProcessCoreLimitToZero()
    {
        ChildResult result = ProbeProcess.Run("core-dumps", extraPrlimit: "--core=1048576");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("BEFORE False", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("LOG Information 104 ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("AFTER True", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Max core file size\s+0\s+0\s+bytes", result.Stdout);
    }

    private static long Field(ChildResult result, string name) =>
        long.Parse(Regex.Match(result.Stdout, $"^{name} (\\d+)", RegexOptions.Multiline).Groups[1].Value);
}

using System.Diagnostics;

namespace Asherah.Tests.Shared;

/// <summary>The outcome of a child process.</summary>
public sealed record ChildResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>128 + SIGSEGV, as .NET reports a child killed by signal 11.</summary>
    public const int KilledBySigsegv = 139;

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// Runs a .NET program in a child process, optionally under a lowered locked-memory limit, so faults and limits cannot
/// hurt the test host.
/// </summary>
public static class LimitedProcess
{
    /// <summary>
    /// Runs <c>dotnet <paramref name="assembly"/> <paramref name="arguments"/></c>. <paramref name="memlockBytes"/> lowers
    /// RLIMIT_MEMLOCK with prlimit and drops CAP_IPC_LOCK (which lets root ignore the limit) with setpriv.
    /// </summary>
    public static ChildResult Run(string assembly, string arguments, long? memlockBytes = null, string? extraPrlimit = null, int timeoutSeconds = 60)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        string command = $"\"{dotnet}\" \"{assembly}\" {arguments}";
        string limits = (memlockBytes is { } m ? $" --memlock={m}:{m}" : "") + (extraPrlimit is null ? "" : " " + extraPrlimit);
        if (limits.Length > 0)
        {
            command = $"prlimit{limits} {command}";
        }

        if (memlockBytes is not null && HasIpcLockCapability())
        {
            command = $"setpriv --inh-caps=-ipc_lock --bounding-set=-ipc_lock {command}";
        }

        var start = new ProcessStartInfo("/bin/sh", ["-c", "exec " + command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{arguments}' did not finish in {timeoutSeconds} s.");
        }

        process.WaitForExit();
        return new ChildResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    // CAP_IPC_LOCK is capability 14.
    private static bool HasIpcLockCapability()
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        ulong caps = Convert.ToUInt64(line["CapEff:".Length..].Trim(), 16);
        return (caps & (1UL << 14)) != 0;
    }
}

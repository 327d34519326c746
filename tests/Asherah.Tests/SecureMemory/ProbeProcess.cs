using System.Diagnostics;

namespace Asherah.Tests.SecureMemory;

/// <summary>Runs tests/Asherah.SecureMemory.Probe in a child process, so faults and limits cannot hurt the test host.</summary>
internal static class ProbeProcess
{
    private static readonly Lazy<string> s_probe = new(LocateProbe, LazyThreadSafetyMode.ExecutionAndPublication);

    public static bool Supported => OperatingSystem.IsLinux();

    /// <summary>Runs the probe; <paramref name="memlockBytes"/> lowers RLIMIT_MEMLOCK via prlimit and drops
    /// CAP_IPC_LOCK (which would let root ignore the limit) via setpriv.</summary>
    public static ProbeResult Run(string arguments, long? memlockBytes = null, string? extraPrlimit = null, int timeoutSeconds = 60)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        string command = $"\"{dotnet}\" \"{s_probe.Value}\" {arguments}";
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
            throw new TimeoutException($"Probe '{arguments}' did not finish in {timeoutSeconds} s.");
        }

        process.WaitForExit();
        return new ProbeResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    // CAP_IPC_LOCK is capability 14.
    private static bool HasIpcLockCapability()
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        ulong caps = Convert.ToUInt64(line["CapEff:".Length..].Trim(), 16);
        return (caps & (1UL << 14)) != 0;
    }

    private static string LocateProbe()
    {
        // Test output: <repo>/tests/Asherah.Tests/bin/<Configuration>/<tfm>/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string tfm = output.Name;
        string configuration = output.Parent!.Name;
        DirectoryInfo? root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Asherah.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException($"Cannot find Asherah.sln above {AppContext.BaseDirectory}.");
        }

        string project = Path.Combine(root.FullName, "tests", "Asherah.SecureMemory.Probe");
        string probe = Path.Combine(project, "bin", configuration, tfm, "Asherah.SecureMemory.Probe.dll");

        // The probe must run the same Asherah.dll as the tests; rebuild it when it is missing or stale.
        string tested = Path.Combine(AppContext.BaseDirectory, "Asherah.dll");
        string probed = Path.Combine(Path.GetDirectoryName(probe)!, "Asherah.dll");
        bool stale = !File.Exists(probe) || !File.Exists(probed)
            || !File.ReadAllBytes(tested).AsSpan().SequenceEqual(File.ReadAllBytes(probed))
            || File.GetLastWriteTimeUtc(Path.Combine(project, "Program.cs")) > File.GetLastWriteTimeUtc(probe);
        if (stale)
        {
            var build = new ProcessStartInfo("dotnet", ["build", project, "-c", configuration, "-nologo", "-v", "q"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using Process process = Process.Start(build)!;
            string log = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"Building the probe failed:\n{log}");
            }
        }

        return probe;
    }
}

internal sealed record ProbeResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>128 + SIGSEGV, as .NET reports a child killed by signal 11.</summary>
    public const int KilledBySigsegv = 139;

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

using System.Diagnostics;
using Asherah.Tests.Shared;

namespace Asherah.Tests.SecureMemory;

/// <summary>Runs tests/Asherah.SecureMemory.Probe in a child process, so faults and limits cannot hurt the test host.</summary>
internal static class ProbeProcess
{
    private static readonly Lazy<string> s_probe = new(LocateProbe, LazyThreadSafetyMode.ExecutionAndPublication);

    public static bool Supported => OperatingSystem.IsLinux();

    /// <summary>Runs the probe; <paramref name="memlockBytes"/> lowers RLIMIT_MEMLOCK (see <see cref="LimitedProcess"/>).</summary>
    public static ChildResult Run(string arguments, long? memlockBytes = null, string? extraPrlimit = null, int timeoutSeconds = 60) =>
        LimitedProcess.Run(s_probe.Value, arguments, memlockBytes, extraPrlimit, timeoutSeconds);

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

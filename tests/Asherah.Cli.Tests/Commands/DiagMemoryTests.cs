using System.Text.Json;
using Asherah.Tests.Shared;

namespace Asherah.Cli.Tests.Commands;

/// <summary>
/// <c>asherah diag memory</c> in a child process under a real memlock limit: the capacity promise (100,000 cached keys
/// within 8 MiB of locked memory) through the public API, and clean refusal or fallback at a tiny limit.
/// </summary>
public class DiagMemoryTests
{
    private const long EightMiB = 8L * 1024 * 1024;

    private static string CliAssembly => Path.Combine(AppContext.BaseDirectory, "cli", "Asherah.Cli.dll");

    [Fact]
    public void HundredThousandKeys_FitInEightMebibytesOfLockedMemory()
    {
        var result = LimitedProcess.Run(CliAssembly, "diag memory --keys 100000", memlockBytes: EightMiB, timeoutSeconds: 120);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal(100_001, root.GetProperty("keys_cached").GetInt64());
        long locked = root.GetProperty("vmlck_after_bytes").GetInt64();
        Assert.InRange(locked, 100_000 * 32, EightMiB);
        Assert.Equal(0, root.GetProperty("secure_memory_unlocked_bytes").GetInt64());
    }

    [Fact]
    public void AtATinyLimit_CachingFailsWithOneClearLine()
    {
        var result = LimitedProcess.Run(CliAssembly, "diag memory --keys 5000", memlockBytes: 64 * 1024);

        Assert.True(result.ExitCode == 1, result.ToString());
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("AllowUnlockedFallback", lines[0]);
    }

    [Fact]
    public void AtATinyLimit_TheFallbackKeepsGoingUnlocked()
    {
        var result = LimitedProcess.Run(CliAssembly, "diag memory --keys 5000 --allow-unlocked-fallback", memlockBytes: 64 * 1024);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.True(json.RootElement.GetProperty("secure_memory_unlocked_bytes").GetInt64() > 0);
        Assert.InRange(json.RootElement.GetProperty("vmlck_after_bytes").GetInt64(), 1, 64 * 1024);
    }
}

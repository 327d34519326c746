using System.Text.RegularExpressions;
using Asherah.Tests.SecureMemory;

namespace Asherah.Tests.Caching;

/// <summary>
/// The memory-pressure policy end to end in a child process under a 256 KiB locked-memory limit: a factory with a
/// shared intermediate-key cache of maximum 1,000,000 encrypts in 20,000 partitions (about 4,000 keys fit) and then
/// decrypts every record.
/// </summary>
public sealed class MemoryPressureChildProcessTests
{
    private const long MemlockBytes = 256 * 1024;
    private const int Partitions = 20_000;

    [LinuxFact]
    public void WithoutThePolicy_TheLockedMemoryLimitFailsAnEncrypt()
    {
        ChildResult result = ProbeProcess.Run($"memory-pressure {Partitions} lru off", memlockBytes: MemlockBytes);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("REFUSED: Could not lock", result.Stdout, StringComparison.Ordinal);
        Assert.InRange(Field(result, "ENCRYPTED"), 1, Partitions - 1);
        Assert.DoesNotContain("LOG Warning 11 ", result.Stdout, StringComparison.Ordinal);
    }

    [LinuxTheory]
    [InlineData("lru")]
    [InlineData("slru")]
    [InlineData("lfu")]
    [InlineData("tinylfu")]
    [InlineData("simple")]
    public void WithThePolicy_EveryOperationSucceeds_TheKeyCacheShrank_AndEveryRecordDecrypts(string policy)
    {
        ChildResult result = ProbeProcess.Run($"memory-pressure {Partitions} {policy} on", memlockBytes: MemlockBytes);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Partitions, Field(result, "ENCRYPTED"));
        Assert.Equal(Partitions, Field(result, "DECRYPTED"));
        Assert.InRange(Field(result, "LOCKED"), 1, MemlockBytes);
        long shrinks = Field(result, "SHRINKS");
        Assert.True(shrinks >= 1, result.ToString());
        Assert.Equal(shrinks, Regex.Count(result.Stdout, @"^LOG Warning 11 Memory pressure \(allocation_refused\): shrank the intermediate_key cache", RegexOptions.Multiline));
        if (policy is "lru" or "slru" or "lfu")
        {
            // A capacity lowered once holds: the keys that fit stay cached, and no further refusal happens.
            long capacity = Field(result, "CAPACITY");
            Assert.InRange(capacity, 10, 1_000_000 - 1);
        }
    }

    private static long Field(ChildResult result, string name) =>
        long.Parse(Regex.Match(result.Stdout, $"^{name} (-?\\d+)", RegexOptions.Multiline).Groups[1].Value);
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Asherah.Caching;
using Asherah.Crypto;
using Asherah.Keys;
using Asherah.SecureMemory;

namespace Asherah.Benchmarks.Caching.Memory;

/// <summary>
/// <c>cachememory [--keys N] [--out FILE]</c>: managed and locked bytes per cached intermediate key, per policy, written
/// as a markdown table to stdout and FILE (default <c>cache-memory.md</c>).
/// </summary>
/// <remarks>
/// <para>What is counted, for N keys (default 100,000, the README's "100,000 cached keys within 8 MiB"):</para>
/// <list type="bullet">
/// <item><b>key id</b>: the retained size of N key strings <c>_IK_partition-0000042_service_product</c> (an IK id of a
/// short partition), GC.GetTotalMemory(forceFullCollection) after minus before, divided by N.</item>
/// <item><b>CryptoKey</b>: N real decrypted keys made as the key rings make them (<c>CryptoKey.FromRawKey</c> with the
/// process's AES-GCM engine and the default secure allocator): managed bytes retained (the CryptoKey and its secure
/// buffer handle) per key, and the growth of <see cref="SecureMemoryStatistics.LockedBytes"/> and of
/// <see cref="SecureMemoryStatistics.AllocatedBuffers"/> per key (the slot, its canary, and the slab's share of the
/// last, partly used chunk).</item>
/// <item><b>cache entry</b>: per policy, a cache of capacity N filled with those N (key id, CryptoKey) pairs: retained
/// bytes after a full collection minus before, divided by the entries it holds (its own nodes, dictionary buckets,
/// frequency sketch, buffers; not the keys and values, which exist before and after). Also the bytes allocated
/// process-wide while filling it (GC.GetTotalAllocatedBytes(precise)), garbage included, per entry.</item>
/// </list>
/// <para>Per cached intermediate key = key id + CryptoKey + cache entry (managed), and the locked bytes.</para>
/// </remarks>
internal static class CacheMemoryCommand
{
    public const string Name = "cachememory";

    public static int Run(string[] args)
    {
        int count = 100_000;
        string output = "cache-memory.md";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--keys" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out int n) && n > 0:
                    count = n;
                    i++;
                    break;
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                default:
                    Console.Error.WriteLine($"cachememory: unknown or incomplete option '{args[i]}'");
                    Console.Error.WriteLine("usage: cachememory [--keys N] [--out FILE]");
                    return 2;
            }
        }

        // The arrays that hold the keys exist before each baseline, so their slots are not counted as the keys' bytes.
        var ids = new string[count];
        var keys = new CryptoKey[count];
        long before = Retained();
        for (int i = 0; i < count; i++)
        {
            ids[i] = string.Create(CultureInfo.InvariantCulture, $"_IK_partition-{i:D7}_service_product");
        }

        double idBytes = (double)(Retained() - before) / count;

        var engine = AesGcmEngines.Select(AesGcmEngineKind.Auto);
        var allocator = SecureAllocators.Default;
        Span<byte> raw = stackalloc byte[AesGcmEngine.KeySize];
        long lockedBefore = SecureMemoryStatistics.LockedBytes;
        long buffersBefore = SecureMemoryStatistics.AllocatedBuffers;
        before = Retained();
        for (int i = 0; i < count; i++)
        {
            RandomNumberGenerator.Fill(raw);
            keys[i] = CryptoKey.FromRawKey(engine, allocator, raw, created: 1_700_000_000 + i, revoked: false);
        }

        CryptographicOperations.ZeroMemory(raw);
        double keyManaged = (double)(Retained() - before) / count;
        double locked = (double)(SecureMemoryStatistics.LockedBytes - lockedBefore) / count;
        double buffers = (double)(SecureMemoryStatistics.AllocatedBuffers - buffersBefore) / count;

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Memory per cached intermediate key, {count:N0} keys ({engine.Name} engine, key state {engine.KeyStateSize} B):");
        report.AppendLine(CultureInfo.InvariantCulture, $"key id string {idBytes:F0} B; CryptoKey managed {keyManaged:F0} B; locked {locked:F1} B in {buffers:F2} secure buffers per key.");
        report.AppendLine();
        report.AppendLine("| policy | entries held | cache B/entry (retained) | allocated B/entry while filling | managed B per cached IK | locked B per cached IK |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var policy in Enum.GetValues<CacheEvictionPolicy>())
        {
            string name = BoundedCache.NameOf(policy);
            before = Retained();
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var cache = BoundedCache.Create<string, CryptoKey>(policy, count);
            foreach (var (id, key) in ids.Zip(keys))
            {
                cache.TryAdd(id, key);
            }

            long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            long retained = Retained() - before;
            int held = cache.Count;
            GC.KeepAlive(cache);
            double entry = (double)retained / held;
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {held:N0} | {entry:F0} | {(double)allocated / held:F0} | {idBytes + keyManaged + entry:F0} | {locked:F1} |");
            Console.Error.WriteLine($"cachememory: {name} done");

            // The cache has no eviction callback, so dropping it leaves the keys to this command.
            cache.Dispose();
        }

        foreach (var key in keys)
        {
            key.ReleaseOwner();
        }

        File.WriteAllText(output, report.ToString());
        Console.Write(report);
        return 0;
    }

    /// <summary>Live managed bytes after a full, compacting collection (finalizers run, then collected again).</summary>
    private static long Retained()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

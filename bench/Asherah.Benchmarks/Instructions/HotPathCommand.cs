using System.Globalization;
using Asherah.Caching;

namespace Asherah.Benchmarks.Instructions;

/// <summary>
/// <c>hotpath [--pairs N] [--policy simple|lru|lfu|slru|tinylfu] [--shared]</c>: runs N encrypt+decrypt pairs of a
/// 64-byte payload on one warm partition and nothing else, for an instruction counter to run it
/// (<c>scripts/count-instructions.sh</c> runs it under callgrind with two values of N and divides the difference).
/// </summary>
/// <remarks>
/// The set-up of <see cref="EnvelopeBenchmarks"/> (in-memory metastore, static master key, never-expiring policy),
/// with <c>--policy</c> as the system-key and intermediate-key caches' eviction policy and <c>--shared</c> for one
/// intermediate-key cache per factory. Before the measured pairs it runs rounds of 5,000 unmeasured ones, half a second
/// apart, until the JIT compiled nothing during two rounds in a row (tier-up done), so the measured pairs run the final
/// code in every run; the difference between two runs leaves only the pairs themselves.
/// </remarks>
internal static class HotPathCommand
{
    public const string Name = "hotpath";

    private const int WarmUpPairs = 5_000;

    private const int MaxWarmUpRounds = 100;

    public static int Run(string[] args)
    {
        int pairs = 10_000;
        var policy = CacheEvictionPolicy.Simple;
        bool shared = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--pairs" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out int n) && n >= 0:
                    pairs = n;
                    i++;
                    break;
                case "--policy" when i + 1 < args.Length && BoundedCache.TryParsePolicy(args[i + 1], out var parsed):
                    policy = parsed.Value;
                    i++;
                    break;
                case "--shared":
                    shared = true;
                    break;
                default:
                    Console.Error.WriteLine($"hotpath: unknown or incomplete option '{args[i]}'");
                    Console.Error.WriteLine("usage: hotpath [--pairs N] [--policy simple|lru|lfu|slru|tinylfu] [--shared]");
                    return 2;
            }
        }

        var cryptoPolicy = new NeverExpiredCryptoPolicy
        {
            SystemKeyCacheEvictionPolicy = policy,
            IntermediateKeyCacheEvictionPolicy = policy,
            SharedIntermediateKeyCache = shared,
        };
        using var factory = SessionFactory.NewBuilder("bench-product", "bench-service")
            .WithInMemoryMetastore()
            .WithCryptoPolicy(cryptoPolicy)
            .WithStaticKeyManagementService("thisIsAStaticMasterKeyForTesting")
            .Build();
        using var session = factory.GetSessionBytes("bench-partition");
        byte[] payload = new byte[64];
        Random.Shared.NextBytes(payload);

        // Warm up until the JIT is done: no method compiled (tier-up, OSR) during two rounds in a row. Under an
        // instruction counter the JIT's background work is slow, and a count that included some of it would not
        // cancel out against the other run's.
        int checksum = 0;
        long compiled = -1;
        for (int round = 0, stable = 0; round < MaxWarmUpRounds && stable < 2; round++)
        {
            checksum += Pairs(session, payload, WarmUpPairs);
            Thread.Sleep(500);
            long now = System.Runtime.JitInfo.GetCompiledMethodCount();
            stable = now == compiled ? stable + 1 : 0;
            compiled = now;
        }

        checksum += Pairs(session, payload, pairs);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{pairs} pairs, policy {policy}, shared {shared}, checksum {checksum}"));
        return 0;
    }

    private static int Pairs(BytesSession session, byte[] payload, int count)
    {
        int checksum = 0;
        for (int i = 0; i < count; i++)
        {
            byte[] record = session.Encrypt(payload);
            checksum += session.Decrypt(record)[i & 63];
        }

        return checksum;
    }
}

using System.Collections.Concurrent;
using System.Text;
using Asherah.SecureMemory;

namespace Asherah.Tests.Caching;

/// <summary>
/// Keys and sessions evicted while 16 threads use them: no use-after-free (every record decrypts to what was
/// encrypted), and no leaked secure-memory slot once the factory is disposed.
/// </summary>
public sealed class EvictionUnderLoadTests
{
    private const int Threads = 16;
    private const int Partitions = 64;
    private const int OperationsPerThread = 400;

    // A chunk size no other test uses, so this class has the process-wide allocator for these options to itself
    // (its cases run one after another).
    private static readonly SecureMemoryOptions Memory = new() { ChunkSize = 512 * 1024 };

    public static TheoryData<CacheEvictionPolicy, bool, bool> Cases()
    {
        var data = new TheoryData<CacheEvictionPolicy, bool, bool>();
        foreach (var policy in Enum.GetValues<CacheEvictionPolicy>().Where(p => p != CacheEvictionPolicy.Simple))
        {
            data.Add(policy, false, true);  // session cache of 4, IK cache of 2 per session
            data.Add(policy, true, true);   // session cache of 4, one IK cache of 2 for the factory
            data.Add(policy, true, false);  // uncached sessions, one IK cache of 2 for the factory
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EvictionUnderLoad_NeverFreesAKeyInUse_AndLeaksNoSlot(CacheEvictionPolicy policy, bool sharedIntermediateKeys, bool cacheSessions)
    {
        var allocator = (SlabAllocator)SecureAllocators.Create(Memory);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long baseline = allocator.AllocatedBuffers;
        using var metrics = new CacheMetricsRecorder();
        var factory = SessionFactory.NewBuilder("product", "service")
            .WithInMemoryMetastore()
            .WithCryptoPolicy(new NeverExpiredCryptoPolicy
            {
                CacheSessions = cacheSessions,
                SessionCacheMaxSize = 4,
                SessionCacheEvictionPolicy = policy,
                IntermediateKeyCacheMaxSize = 2,
                IntermediateKeyCacheEvictionPolicy = policy,
                SharedIntermediateKeyCache = sharedIntermediateKeys,
                SystemKeyCacheMaxSize = 1,
                SystemKeyCacheEvictionPolicy = policy,
            })
            .WithSecureMemory(Memory)
            .WithStaticKeyManagementService(TestFactories.MasterKey)
            .WithMeterFactory(metrics)
            .Build();

        try
        {
            Run(factory, sharedIntermediateKeys, cacheSessions, metrics);
        }
        finally
        {
            factory.Dispose();
        }

        Assert.Equal(baseline, allocator.AllocatedBuffers);
    }

    private static void Run(SessionFactory factory, bool sharedIntermediateKeys, bool cacheSessions, CacheMetricsRecorder metrics)
    {
        var records = new ConcurrentDictionary<string, ConcurrentBag<(byte[] Record, string Payload)>>();
        var failures = new ConcurrentQueue<Exception>();
        int roundTrips = 0;
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            try
            {
                for (int i = 0; i < OperationsPerThread; i++)
                {
                    string partition = "partition-" + random.Next(Partitions);
                    string payload = $"{partition}/{t}/{i}";
                    using var session = factory.GetSessionBytes(partition);
                    byte[] record = session.Encrypt(Encoding.UTF8.GetBytes(payload));
                    Assert.Equal(payload, Encoding.UTF8.GetString(session.Decrypt(record)));
                    var written = records.GetOrAdd(partition, _ => []);

                    // An older record of the partition, whose intermediate key may well have been evicted.
                    if (written.TryPeek(out var older))
                    {
                        Assert.Equal(older.Payload, Encoding.UTF8.GetString(session.Decrypt(older.Record)));
                    }

                    written.Add((record, payload));
                    Interlocked.Increment(ref roundTrips);
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Empty(failures);
        Assert.Equal(Threads * OperationsPerThread, roundTrips);
        Assert.True(metrics.Evictions("intermediate_key") > 0 || !sharedIntermediateKeys, "The shared intermediate-key cache of 2 never evicted.");
        Assert.True(metrics.Evictions("session") > 0 || !cacheSessions, "The session cache of 4 never evicted.");

        // Every record still decrypts through a fresh session after all that churn.
        foreach (var (partition, written) in records)
        {
            using var session = factory.GetSessionBytes(partition);
            foreach (var (record, payload) in written)
            {
                Assert.Equal(payload, Encoding.UTF8.GetString(session.Decrypt(record)));
            }
        }
    }
}

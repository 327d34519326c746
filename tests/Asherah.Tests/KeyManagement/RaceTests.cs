using System.Text;
using Asherah.Metastore;

namespace Asherah.Tests.KeyManagement;

/// <summary>Concurrent first writers of a new partition agree on one intermediate key and one system key.</summary>
public class RaceTests
{
    private const int Threads = 16;
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SixteenSessions_EncryptingANewPartitionAtOnce_CreateOneKeyOfEachTier()
    {
        var metastore = new InMemoryMetastore();
        using var factory = TestFactories.New(metastore);

        var records = RunAtOnce(i =>
        {
            using var session = factory.GetSessionBytes("new-partition");
            return session.Encrypt(Payload(i));
        });

        await AssertOneKeyEachAndAllDecrypt(metastore, records, factory);
    }

    [Fact]
    public async Task SixteenThreads_SharingOneSession_CreateOneKeyOfEachTier()
    {
        var metastore = new InMemoryMetastore();
        using var factory = TestFactories.New(metastore);
        using var session = factory.GetSessionBytes("new-partition");

        var records = RunAtOnce(i => session.Encrypt(Payload(i)));

        await AssertOneKeyEachAndAllDecrypt(metastore, records, factory);
    }

    [Fact]
    public async Task SixteenFactories_OverOneMetastore_CreateOneKeyOfEachTier()
    {
        var metastore = new InMemoryMetastore();
        var factories = Enumerable.Range(0, Threads).Select(_ => TestFactories.New(metastore)).ToArray();
        try
        {
            var records = RunAtOnce(i =>
            {
                using var session = factories[i].GetSessionBytes("new-partition");
                return session.Encrypt(Payload(i));
            });

            await AssertOneKeyEachAndAllDecrypt(metastore, records, factories[0]);

            // Every factory reads every other factory's record.
            for (int i = 0; i < Threads; i++)
            {
                using var session = factories[(i + 1) % Threads].GetSessionBytes("new-partition");
                Assert.Equal(Payload(i), session.Decrypt(records[i]));
            }
        }
        finally
        {
            foreach (var factory in factories)
            {
                factory.Dispose();
            }
        }
    }

    [Fact]
    public async Task SixteenAsyncEncrypts_OfANewPartitionAtOnce_CreateOneKeyOfEachTier()
    {
        var metastore = new InMemoryMetastore();
        using var factory = TestFactories.New(metastore);
        using var session = factory.GetSessionBytes("new-partition");
        using var barrier = new Barrier(Threads);

        // Dedicated threads for the barrier wait, so the thread pool is not starved.
        var tasks = Enumerable.Range(0, Threads).Select(i => Task.Factory.StartNew(
            async () =>
            {
                barrier.SignalAndWait(HangLimit);
                return await session.EncryptAsync(Payload(i));
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap()).ToArray();
        var records = await Task.WhenAll(tasks).WaitAsync(HangLimit);

        await AssertOneKeyEachAndAllDecrypt(metastore, records, factory);
    }

    private static byte[] Payload(int i) => Encoding.UTF8.GetBytes($"payload {i}");

    private static byte[][] RunAtOnce(Func<int, byte[]> work)
    {
        using var barrier = new Barrier(Threads);
        var results = new byte[Threads][];
        Exception? failure = null;
        var threads = Enumerable.Range(0, Threads).Select(i => new Thread(() =>
        {
            try
            {
                barrier.SignalAndWait(HangLimit);
                results[i] = work(i);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.UnsafeStart();
        }

        foreach (var thread in threads)
        {
            Assert.True(thread.Join(HangLimit), "a thread did not finish");
        }

        Assert.Null(failure);
        Assert.All(results, Assert.NotNull);
        return results;
    }

    private static async Task AssertOneKeyEachAndAllDecrypt(InMemoryMetastore metastore, byte[][] records, SessionFactory factory)
    {
        var stored = await metastore.ListAllAsync();
        Assert.Single(stored, r => r.KeyId == "_IK_new-partition_service_product");
        Assert.Single(stored, r => r.KeyId == "_SK_service_product");
        Assert.Equal(2, stored.Count);

        using var reader = factory.GetSessionBytes("new-partition");
        for (int i = 0; i < records.Length; i++)
        {
            Assert.Equal(Payload(i), reader.Decrypt(records[i]));
        }
    }
}

using Asherah.Envelope;
using Asherah.Metastore;

namespace Asherah.Tests.KeyManagement;

/// <summary>Concurrent misses on one key load it once.</summary>
public class LoadOnceTests
{
    private const string MasterKey = "thisIsAStaticMasterKeyForTesting";

    [Fact]
    public void ConcurrentDecrypts_OfAnUncachedKey_LoadItFromTheMetastoreOnce()
    {
        var inner = new InMemoryMetastore();
        byte[] record;
        using (var writer = NewFactory(inner))
        using (var session = writer.GetSessionBytes("partition"))
        {
            record = session.Encrypt([1, 2, 3]);
        }

        var counting = new CountingMetastore(inner);
        using var reader = NewFactory(counting);
        using var shared = reader.GetSessionBytes("partition");
        using var start = new Barrier(16);

        var results = OnThreads(16, () =>
        {
            start.SignalAndWait();
            return shared.Decrypt(record);
        });

        Assert.All(results, r => Assert.Equal([1, 2, 3], r));
        Assert.Equal(1, counting.Loads(k => k.StartsWith("_IK_", StringComparison.Ordinal)));
        Assert.Equal(1, counting.Loads(k => k.StartsWith("_SK_", StringComparison.Ordinal)));
    }

    [Fact]
    public void ConcurrentEncrypts_ForANewPartition_ReadTheLatestKeyOnce()
    {
        var counting = new CountingMetastore(new InMemoryMetastore());
        using var factory = NewFactory(counting);
        using var shared = factory.GetSessionBytes("partition");
        using var start = new Barrier(16);

        OnThreads(16, () =>
        {
            start.SignalAndWait();
            return shared.Encrypt([9]);
        });

        Assert.Equal(1, counting.LatestLoads(k => k.StartsWith("_IK_", StringComparison.Ordinal)));
        Assert.Equal(1, counting.Stores(k => k.StartsWith("_IK_", StringComparison.Ordinal)));
    }

    /// <summary>Runs <paramref name="work"/> on dedicated threads (not the thread pool, which a 2-core machine grows slowly).</summary>
    private static byte[][] OnThreads(int count, Func<byte[]> work)
    {
        var results = new byte[count][];
        var threads = Enumerable.Range(0, count).Select(i => new Thread(() => results[i] = work())).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => Assert.True(t.Join(TimeSpan.FromSeconds(30)), "A worker did not finish."));
        return results;
    }

    private static SessionFactory NewFactory(IMetastore metastore) => SessionFactory.NewBuilder("product", "service")
        .WithMetastore(metastore).WithNeverExpiredCryptoPolicy().WithStaticKeyManagementService(MasterKey).Build();

    /// <summary>Counts calls on a real metastore and slows loads down, so concurrent callers overlap.</summary>
    private sealed class CountingMetastore(IMetastore inner) : IMetastore
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(string Op, string KeyId)> _calls = new();

        public string? KeySuffix => inner.KeySuffix;

        public int Loads(Func<string, bool> id) => _calls.Count(c => c.Op == "load" && id(c.KeyId));

        public int LatestLoads(Func<string, bool> id) => _calls.Count(c => c.Op == "latest" && id(c.KeyId));

        public int Stores(Func<string, bool> id) => _calls.Count(c => c.Op == "store" && id(c.KeyId));

        public async ValueTask<EnvelopeKeyRecord?> LoadAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default)
        {
            _calls.Enqueue(("load", keyId));
            await Task.Delay(50, cancellationToken);
            return await inner.LoadAsync(keyId, created, cancellationToken);
        }

        public async ValueTask<EnvelopeKeyRecord?> LoadLatestAsync(string keyId, CancellationToken cancellationToken = default)
        {
            _calls.Enqueue(("latest", keyId));
            await Task.Delay(50, cancellationToken);
            return await inner.LoadLatestAsync(keyId, cancellationToken);
        }

        public ValueTask<bool> StoreAsync(string keyId, DateTimeOffset created, EnvelopeKeyRecord record, CancellationToken cancellationToken = default)
        {
            _calls.Enqueue(("store", keyId));
            return inner.StoreAsync(keyId, created, record, cancellationToken);
        }
    }
}

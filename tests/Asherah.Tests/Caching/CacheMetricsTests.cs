namespace Asherah.Tests.Caching;

/// <summary>Hits, misses and evictions per tier on the <c>Asherah</c> meter.</summary>
public sealed class CacheMetricsTests
{
    private static readonly byte[] Payload = [1, 2, 3];

    [Fact]
    public void SharedIntermediateKeyCache_CountsHitsMissesAndEvictions()
    {
        using var metrics = new CacheMetricsRecorder();
        using var factory = SessionFactory.NewBuilder("product", "service")
            .WithInMemoryMetastore()
            .WithCryptoPolicy(new NeverExpiredCryptoPolicy
            {
                SharedIntermediateKeyCache = true,
                IntermediateKeyCacheMaxSize = 1,
                IntermediateKeyCacheEvictionPolicy = CacheEvictionPolicy.Lru,
            })
            .WithStaticKeyManagementService(TestFactories.MasterKey)
            .WithMeterFactory(metrics)
            .Build();

        byte[] recordA;
        using (var a = factory.GetSessionBytes("a"))
        {
            recordA = a.Encrypt(Payload);               // IK miss (created), SK miss (created)
            Assert.Equal(Payload, a.Decrypt(recordA));  // IK hit
        }

        Assert.Equal(1, metrics.Misses("intermediate_key"));
        Assert.Equal(1, metrics.Hits("intermediate_key"));
        Assert.Equal(0, metrics.Evictions("intermediate_key"));

        using (var b = factory.GetSessionBytes("b"))
        {
            b.Encrypt(Payload);                         // IK miss; evicts a's IK
        }

        Assert.Equal(1, metrics.Evictions("intermediate_key"));

        using (var a = factory.GetSessionBytes("a"))
        {
            Assert.Equal(Payload, a.Decrypt(recordA));  // IK miss again (evicted); evicts b's
        }

        Assert.Equal(3, metrics.Misses("intermediate_key"));
        Assert.Equal(2, metrics.Evictions("intermediate_key"));
        Assert.Equal(1, metrics.Misses("system_key"));
        Assert.True(metrics.Hits("system_key") >= 1);
    }

    [Fact]
    public void SessionCache_CountsHitsMissesAndEvictions()
    {
        using var metrics = new CacheMetricsRecorder();
        using var factory = SessionFactory.NewBuilder("product", "service")
            .WithInMemoryMetastore()
            .WithCryptoPolicy(new NeverExpiredCryptoPolicy { CacheSessions = true, SessionCacheMaxSize = 1, SessionCacheEvictionPolicy = CacheEvictionPolicy.Lfu })
            .WithStaticKeyManagementService(TestFactories.MasterKey)
            .WithMeterFactory(metrics)
            .Build();

        factory.GetSessionBytes("a").Dispose(); // miss
        factory.GetSessionBytes("a").Dispose(); // hit
        factory.GetSessionBytes("b").Dispose(); // miss, evicts a

        Assert.Equal(2, metrics.Misses("session"));
        Assert.Equal(1, metrics.Hits("session"));
        Assert.Equal(1, metrics.Evictions("session"));
    }
}

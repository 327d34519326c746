using Asherah.Instrumentation;

namespace Asherah.Tests.KeyManagement;

/// <summary>An evicted key is wiped when its last user lets go, not before.</summary>
public sealed class KeyCacheEvictionTests
{
    private static readonly byte[] Payload = [7, 8, 9];

    [Theory]
    [InlineData(CacheEvictionPolicy.Lru)]
    [InlineData(CacheEvictionPolicy.Lfu)]
    [InlineData(CacheEvictionPolicy.Slru)]
    public void EvictedIntermediateKey_InUse_IsWipedOnlyWhenReleased(CacheEvictionPolicy policy)
    {
        using var factory = TestFactories.New(policy: new NeverExpiredCryptoPolicy
        {
            SharedIntermediateKeyCache = true,
            IntermediateKeyCacheMaxSize = 1,
            IntermediateKeyCacheEvictionPolicy = policy,
        });
        var shared = factory.Context.SharedIntermediateKeys!;
        using (var a = factory.GetSessionBytes("a"))
        {
            a.Encrypt(Payload);
        }

        var key = Assert.Single(shared.Snapshot()).Value.Key;
        Assert.True(key.TryAcquire()); // an operation in flight

        using (var b = factory.GetSessionBytes("b"))
        {
            b.Encrypt(Payload); // evicts a's key
        }

        Assert.DoesNotContain(shared.Snapshot(), p => p.Value.Key == key);
        Assert.False(key.IsFreed);
        key.Release();
        Assert.True(key.IsFreed);
    }

    [Fact]
    public void PerSessionIntermediateKeyCache_IsBoundedByItsMaxSize()
    {
        using var factory = TestFactories.New(policy: new NeverExpiredCryptoPolicy
        {
            IntermediateKeyCacheMaxSize = 2,
            IntermediateKeyCacheEvictionPolicy = CacheEvictionPolicy.Lru,
        });
        var metastore = (InMemoryMetastore)factory.Context.Metastore.Unwrap();
        using var session = factory.GetSessionBytes("partition");
        var ring = session.EnvelopeForTests.IntermediateKeys;

        // Records under three intermediate keys of the partition (as if rotated): reading all three keeps two.
        var records = new List<byte[]>();
        for (int minute = 0; minute < 3; minute++)
        {
            var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(1).AddMinutes(2 * minute));
            using var writerFactory = TestFactories.New(metastore, new BasicExpiringCryptoPolicy { KeyExpiration = TimeSpan.FromMinutes(1) }, clock);
            using var writer = writerFactory.GetSessionBytes("partition");
            records.Add(writer.Encrypt(Payload));
        }

        foreach (var record in records)
        {
            Assert.Equal(Payload, session.Decrypt(record));
        }

        Assert.Equal(2, ring.CachedCount);
    }
}

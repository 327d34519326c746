using Asherah.KeyManagement;
using Asherah.Metastore;
using Microsoft.Extensions.Time.Testing;
using Asherah.Keys;

namespace Asherah.Tests.KeyManagement;

public class KeyRingTests
{
    private const string MasterKey = "thisIsAStaticMasterKeyForTesting";

    private static (SessionFactory Factory, FakeTimeProvider Time, InMemoryMetastore Store) Build(bool cacheKeys = true)
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var store = new InMemoryMetastore();
        var policy = new BasicExpiringCryptoPolicy
        {
            KeyExpiration = TimeSpan.FromDays(30),
            RevokeCheckInterval = TimeSpan.FromMinutes(10),
            CacheIntermediateKeys = cacheKeys,
            CacheSystemKeys = cacheKeys,
        };
        var factory = SessionFactory.NewBuilder("product", "service")
            .WithMetastore(store).WithCryptoPolicy(policy).WithStaticKeyManagementService(MasterKey)
            .WithTimeProvider(time).Build();
        return (factory, time, store);
    }

    [Fact]
    public void StaleCachedKey_AfterRevokeCheck_IsReusedAndStaysAlive()
    {
        var (factory, time, _) = Build();
        using (factory)
        {
            using var session = factory.GetSessionBytes("p");
            var first = session.Encrypt([1]);
            var ik = GetCachedIntermediateKey(session);

            time.Advance(TimeSpan.FromMinutes(11));
            var second = session.Encrypt([2]);
            time.Advance(TimeSpan.FromMinutes(11));
            var third = session.Encrypt([3]);

            Assert.Same(ik, GetCachedIntermediateKey(session));
            Assert.False(ik.IsFreed);
            Assert.Equal([1], session.Decrypt(first));
            Assert.Equal([2], session.Decrypt(second));
            Assert.Equal([3], session.Decrypt(third));
            session.Dispose();
            Assert.True(ik.IsFreed);
        }
    }

    [Fact]
    public void WithoutKeyCaching_EveryKeyIsFreedAfterUse()
    {
        var (factory, _, store) = Build(cacheKeys: false);
        using (factory)
        using (var session = factory.GetSessionBytes("p"))
        {
            var records = Enumerable.Range(0, 5).Select(i => session.Encrypt([(byte)i])).ToList();
            for (int i = 0; i < records.Count; i++)
            {
                Assert.Equal([(byte)i], session.Decrypt(records[i]));
            }

            Assert.Equal(0, session.EnvelopeForTests.IntermediateKeys.CachedCount);
        }

        Assert.Equal(2, store.ListAsync().ToBlockingEnumerable().Count());
    }

    private static CryptoKey GetCachedIntermediateKey(BytesSession session)
    {
        var key = session.EnvelopeForTests.IntermediateKeys.TryGetForWrite(DateTimeOffset.MinValue);
        Assert.NotNull(key);
        key.Release();
        return key;
    }
}

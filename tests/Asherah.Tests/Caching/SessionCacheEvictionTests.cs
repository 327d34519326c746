namespace Asherah.Tests.Caching;

/// <summary>The session cache under each policy: a session evicted while held stays usable and is disposed on release.</summary>
public sealed class SessionCacheEvictionTests
{
    private static readonly byte[] Payload = [4, 5, 6];

    public static TheoryData<CacheEvictionPolicy> BoundedPolicies => [.. Enum.GetValues<CacheEvictionPolicy>().Where(p => p != CacheEvictionPolicy.Simple)];

    [Theory]
    [MemberData(nameof(BoundedPolicies))]
    public void SessionEvictedWhileHeld_IsDisposedOnlyWhenReleased(CacheEvictionPolicy policy)
    {
        using var factory = TestFactories.New(policy: new NeverExpiredCryptoPolicy { CacheSessions = true, SessionCacheMaxSize = 1, SessionCacheEvictionPolicy = policy });
        var held = factory.GetSessionBytes("held");
        var envelope = held.EnvelopeForTests;
        var record = held.Encrypt(Payload);
        for (int i = 0; i < 10; i++)
        {
            using var other = factory.GetSessionBytes($"other-{i}");
            other.Encrypt(Payload);
        }

        var cache = factory.Sessions!;
        Assert.InRange(cache.Count, 1, cache.Capacity);
        bool evicted = !cache.Holds(envelope);
        if (policy != CacheEvictionPolicy.TinyLfu)
        {
            // With room for one, every newcomer evicts the resident (tinylfu may instead refuse the newcomer).
            Assert.True(evicted);
        }

        Assert.False(envelope.IsDisposed);
        Assert.Equal(Payload, held.Decrypt(record));
        Assert.Equal(Payload, held.Decrypt(held.Encrypt(Payload)));

        held.Dispose();
        Assert.Equal(evicted, envelope.IsDisposed);
        Assert.Equal(cache.Count, cache.LiveCount);
    }

    [Theory]
    [MemberData(nameof(BoundedPolicies))]
    public void SessionEvictedWhileHeld_IsTakenBackByTheNextAcquire(CacheEvictionPolicy policy)
    {
        using var factory = TestFactories.New(policy: new NeverExpiredCryptoPolicy { CacheSessions = true, SessionCacheMaxSize = 1, SessionCacheEvictionPolicy = policy });
        using var held = factory.GetSessionBytes("held");
        held.Encrypt(Payload);
        factory.GetSessionBytes("other").Dispose();

        using var again = factory.GetSessionBytes("held");
        Assert.Same(held.EnvelopeForTests, again.EnvelopeForTests);
        Assert.True(factory.Sessions!.Holds(held.EnvelopeForTests));
    }

    [Theory]
    [MemberData(nameof(BoundedPolicies))]
    public void MaxSize_BoundsTheSessionsKept(CacheEvictionPolicy policy)
    {
        using var factory = TestFactories.New(policy: new NeverExpiredCryptoPolicy { CacheSessions = true, SessionCacheMaxSize = 6, SessionCacheEvictionPolicy = policy });
        for (int i = 0; i < 20; i++)
        {
            using var session = factory.GetSessionBytes($"p-{i}");
            session.Encrypt(Payload);
        }

        Assert.Equal(6, factory.Sessions!.Capacity);
        Assert.InRange(factory.Sessions.Count, 1, 6);
        Assert.Equal(factory.Sessions.Count, factory.Sessions.LiveCount);
    }

    [Fact]
    public void Simple_KeepsEverySession()
    {
        using var factory = TestFactories.New(policy: new NeverExpiredCryptoPolicy { CacheSessions = true, SessionCacheMaxSize = 3, SessionCacheEvictionPolicy = CacheEvictionPolicy.Simple });
        for (int i = 0; i < 20; i++)
        {
            factory.GetSessionBytes($"p-{i}").Dispose();
        }

        Assert.Equal(20, factory.Sessions!.Count);
    }
}

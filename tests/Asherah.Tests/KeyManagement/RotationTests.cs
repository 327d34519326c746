using Asherah.KeyManagement;
using Asherah.Metastore;
using Microsoft.Extensions.Time.Testing;

namespace Asherah.Tests.KeyManagement;

/// <summary>Expired and revoked keys are replaced on the write path and still decrypt on the read path.</summary>
public class RotationTests
{
    private const string IntermediateKeyId = "_IK_partition_service_product";
    private const string SystemKeyId = "_SK_service_product";
    private static readonly byte[] Payload = "payload"u8.ToArray();

    // 30 seconds into a minute, so minute truncation is visible.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 30, TimeSpan.Zero));
    private readonly InMemoryMetastore _metastore = new();

    [Fact]
    public async Task Encrypt_AfterKeysExpire_CreatesNewIntermediateAndSystemKeys_AndOldRecordsDecrypt()
    {
        using var factory = NewFactory(expiration: TimeSpan.FromDays(1), revokeCheck: TimeSpan.FromMinutes(10));
        using var session = factory.GetSessionBytes("partition");
        var before = session.Encrypt(Payload);
        Assert.Equal(2, (await _metastore.ListAllAsync()).Count);

        _time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var after = session.Encrypt(Payload);

        var records = await _metastore.ListAllAsync();
        Assert.Equal(2, records.Count(r => r.KeyId == IntermediateKeyId));
        Assert.Equal(2, records.Count(r => r.KeyId == SystemKeyId));
        var newIk = records.Where(r => r.KeyId == IntermediateKeyId).MaxBy(r => r.Created)!;
        var newSk = records.Where(r => r.KeyId == SystemKeyId).MaxBy(r => r.Created)!;
        Assert.Equal(newSk.Created, newIk.Record.ParentKeyMeta!.Created);
        Assert.Contains($"\"Created\":{newIk.Created.ToUnixTimeSeconds()}}}", System.Text.Encoding.UTF8.GetString(after));
        Assert.Equal(Payload, session.Decrypt(before));
        Assert.Equal(Payload, session.Decrypt(after));
        using var fresh = factory.GetSessionBytes("partition");
        Assert.Equal(Payload, fresh.Decrypt(before));
    }

    [Fact]
    public async Task Encrypt_BeforeExpiry_ReusesTheKeys()
    {
        using var factory = NewFactory(expiration: TimeSpan.FromDays(1), revokeCheck: TimeSpan.FromMinutes(10));
        using var session = factory.GetSessionBytes("partition");
        session.Encrypt(Payload);

        _time.Advance(TimeSpan.FromHours(23));
        session.Encrypt(Payload);
        using var other = factory.GetSessionBytes("partition");
        other.Encrypt(Payload);

        Assert.Equal(2, (await _metastore.ListAllAsync()).Count);
    }

    [Fact]
    public async Task Encrypt_WithValidIntermediateKeyUnderExpiredSystemKey_RotatesBoth()
    {
        using var factory = NewFactory(expiration: TimeSpan.FromDays(1), revokeCheck: TimeSpan.FromMinutes(10));
        using (var first = factory.GetSessionBytes("first"))
        {
            first.Encrypt(Payload); // creates the system key now
        }

        _time.Advance(TimeSpan.FromHours(12));
        using var session = factory.GetSessionBytes("partition");
        var before = session.Encrypt(Payload); // intermediate key 12 hours younger than its system key

        _time.Advance(TimeSpan.FromHours(13)); // system key expired, intermediate key not
        var after = session.Encrypt(Payload);

        var records = await _metastore.ListAllAsync();
        Assert.Equal(2, records.Count(r => r.KeyId == SystemKeyId));
        Assert.Equal(2, records.Count(r => r.KeyId == IntermediateKeyId));
        Assert.Equal(Payload, session.Decrypt(before));
        Assert.Equal(Payload, session.Decrypt(after));
    }

    [Fact]
    public async Task RevokedIntermediateKey_IsUsedUntilTheRevokeCheck_ThenReplaced()
    {
        var revokeCheck = TimeSpan.FromMinutes(10);
        using var factory = NewFactory(expiration: TimeSpan.FromDays(90), revokeCheck: revokeCheck);
        using var session = factory.GetSessionBytes("partition");
        var before = session.Encrypt(Payload);
        var ik = Assert.Single(await _metastore.ListAllAsync(), r => r.KeyId == IntermediateKeyId);
        Assert.True(_metastore.Replace(ik.KeyId, ik.Created, ik.Record.WithRevoked(true)));

        _time.Advance(revokeCheck / 2);
        session.Encrypt(Payload);
        Assert.Single(await _metastore.ListAllAsync(), r => r.KeyId == IntermediateKeyId);

        _time.Advance(revokeCheck); // past the interval, and into a later minute
        var after = session.Encrypt(Payload);

        var iks = (await _metastore.ListAllAsync()).Where(r => r.KeyId == IntermediateKeyId).ToList();
        Assert.Equal(2, iks.Count);
        Assert.Single(await _metastore.ListAllAsync(), r => r.KeyId == SystemKeyId);
        Assert.Contains($"\"Created\":{iks[1].Created.ToUnixTimeSeconds()}}}", System.Text.Encoding.UTF8.GetString(after));
        Assert.Equal(Payload, session.Decrypt(before));
        Assert.Equal(Payload, session.Decrypt(after));
    }

    [Fact]
    public async Task RevokedSystemKey_IsUsedUntilTheRevokeCheck_ThenReplacedWithItsIntermediateKeys()
    {
        var revokeCheck = TimeSpan.FromMinutes(10);
        using var factory = NewFactory(expiration: TimeSpan.FromDays(90), revokeCheck: revokeCheck);
        using var session = factory.GetSessionBytes("partition");
        var before = session.Encrypt(Payload);
        var sk = Assert.Single(await _metastore.ListAllAsync(), r => r.KeyId == SystemKeyId);
        Assert.True(_metastore.Replace(sk.KeyId, sk.Created, sk.Record.WithRevoked(true)));

        _time.Advance(revokeCheck / 2);
        using (var other = factory.GetSessionBytes("other"))
        {
            other.Encrypt(Payload); // a new intermediate key, still under the cached system key
        }

        Assert.Single(await _metastore.ListAllAsync(), r => r.KeyId == SystemKeyId);

        _time.Advance(revokeCheck);
        using var later = factory.GetSessionBytes("partition");
        var after = later.Encrypt(Payload);

        var records = await _metastore.ListAllAsync();
        Assert.Equal(2, records.Count(r => r.KeyId == SystemKeyId));
        Assert.Equal(2, records.Count(r => r.KeyId == IntermediateKeyId));
        var newSk = records.Where(r => r.KeyId == SystemKeyId).MaxBy(r => r.Created)!;
        var newIk = records.Where(r => r.KeyId == IntermediateKeyId).MaxBy(r => r.Created)!;
        Assert.Equal(newSk.Created, newIk.Record.ParentKeyMeta!.Created);
        Assert.Equal(Payload, later.Decrypt(before));
        Assert.Equal(Payload, session.Decrypt(after));
    }

    [Fact]
    public async Task CreatedTimes_OfSystemAndIntermediateKeys_AreWholeMinutes()
    {
        using var factory = NewFactory(expiration: TimeSpan.FromMinutes(5), revokeCheck: TimeSpan.FromMinutes(1));
        using var session = factory.GetSessionBytes("partition");
        for (int i = 0; i < 4; i++)
        {
            session.Encrypt(Payload);
            _time.Advance(TimeSpan.FromSeconds(377));
        }

        var records = await _metastore.ListAllAsync();
        Assert.True(records.Count >= 6, $"expected rotations, found {records.Count} records");
        Assert.All(records, r => Assert.Equal(0, r.Created.ToUnixTimeSeconds() % 60));
        Assert.All(records, r => Assert.Equal(r.Created, r.Record.Created));
        Assert.All(records.Where(r => r.Record.ParentKeyMeta is not null), r => Assert.Equal(0, r.Record.ParentKeyMeta!.Created.ToUnixTimeSeconds() % 60));
    }

    private SessionFactory NewFactory(TimeSpan expiration, TimeSpan revokeCheck) =>
        TestFactories.New(_metastore, new BasicExpiringCryptoPolicy { KeyExpiration = expiration, RevokeCheckInterval = revokeCheck }, _time);
}

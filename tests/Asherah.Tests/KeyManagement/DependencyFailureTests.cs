using System.Text;

namespace Asherah.Tests.KeyManagement;

/// <summary>What callers see when the metastore or KMS fails, or the factory is disposed under a load.</summary>
public class DependencyFailureTests
{
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task DisposingTheFactory_WhileItsSystemKeyLoads_SurfacesObjectDisposed()
    {
        var inner = new InMemoryMetastore();
        byte[] record;
        using (var writer = TestFactories.New(inner))
        using (var session = writer.GetSessionBytes("partition"))
        {
            record = session.Encrypt([1]);
        }

        var gated = new GatedMetastore(inner, id => id.StartsWith("_SK_", StringComparison.Ordinal));
        var factory = TestFactories.New(gated);
        var reader = factory.GetSessionBytes("partition");
        var decrypt = reader.DecryptAsync(record).AsTask();
        await gated.Entered.WaitAsync(HangLimit);

        factory.Dispose();
        gated.Release();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => decrypt.WaitAsync(HangLimit));
    }

    [Fact]
    public void Encrypt_WhenACustomMetastoreThrowsItsOwnException_ThrowsMetastoreExceptionWrappingIt()
    {
        var failure = new IOException("disk gone");
        using var factory = TestFactories.New(new FailingMetastore(failure));
        using var session = factory.GetSessionBytes("partition");

        var e = Assert.Throws<MetastoreException>(() => session.Encrypt([1]));
        Assert.False(e.IsTransient);
        Assert.Same(failure, e.InnerException);
    }

    [Fact]
    public async Task Decrypt_WhenACustomMetastoreThrowsItsOwnException_ThrowsMetastoreExceptionWrappingIt()
    {
        byte[] record;
        using (var writer = TestFactories.New())
        using (var session = writer.GetSessionBytes("partition"))
        {
            record = session.Encrypt([1]);
        }

        var failure = new InvalidOperationException("driver bug");
        using var factory = TestFactories.New(new FailingMetastore(failure));
        using var reader = factory.GetSessionBytes("partition");

        Assert.Same(failure, Assert.Throws<MetastoreException>(() => reader.Decrypt(record)).InnerException);
        Assert.Same(failure, (await Assert.ThrowsAsync<MetastoreException>(async () => await reader.DecryptAsync(record))).InnerException);
    }

    [Fact]
    public void Encrypt_WhenACustomMetastoresStoreThrows_ThrowsMetastoreExceptionWrappingIt()
    {
        var failure = new IOException("read-only");
        using var factory = TestFactories.New(new FailingMetastore(failure, failLoads: false));
        using var session = factory.GetSessionBytes("partition");

        Assert.Same(failure, Assert.Throws<MetastoreException>(() => session.Encrypt([1])).InnerException);
    }

    [Fact]
    public async Task Encrypt_WhenTheMetastoreThrowsItsOwnMetastoreExceptionOrIsCancelled_PassesItThrough()
    {
        var own = new MetastoreException("throttled", isTransient: true);
        using (var factory = TestFactories.New(new FailingMetastore(own)))
        using (var session = factory.GetSessionBytes("partition"))
        {
            Assert.Same(own, Assert.Throws<MetastoreException>(() => session.Encrypt([1])));
        }

        using (var factory = TestFactories.New(new FailingMetastore(new OperationCanceledException())))
        using (var session = factory.GetSessionBytes("partition"))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await session.EncryptAsync([1]));
        }
    }

    [Fact]
    public void Decrypt_OfARecordWhoseKeyIsMissing_ShowsALongIdOnlyInPart()
    {
        string partition = new('p', 10_000);
        byte[] record;
        using (var writer = TestFactories.New())
        using (var session = writer.GetSessionBytes(partition))
        {
            record = session.Encrypt([1]);
        }

        using var factory = TestFactories.New();
        using var reader = factory.GetSessionBytes(partition);

        var e = Assert.Throws<MetadataMissingException>(() => reader.Decrypt(record));
        Assert.True(e.Message.Length < 300, e.Message);
        Assert.Contains("_IK_pppp", e.Message, StringComparison.Ordinal);
        Assert.Contains($"({"_IK_".Length + partition.Length + "_service_product".Length} chars)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IdsInMessages_AreWholeUpToTheLimit_AndNeverSplitASurrogatePair()
    {
        string shortId = new('a', Asherah.Errors.Error.MaxIdLength);
        Assert.Equal(shortId, Asherah.Errors.Error.Id(shortId));

        string paired = new string('a', Asherah.Errors.Error.MaxIdLength - 1) + "\ud83d\ude00" + "tail";
        string shown = Asherah.Errors.Error.Id(paired);
        Assert.DoesNotContain('\ud83d', shown);
        Assert.True(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(shown)) == shown, "The shortened id is not well-formed.");
    }

    /// <summary>A metastore whose loads (and stores) fail with a given exception.</summary>
    private sealed class FailingMetastore(Exception failure, bool failLoads = true) : IMetastore
    {
        public string? KeySuffix => null;

        public ValueTask<EnvelopeKeyRecord?> LoadAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default) =>
            failLoads ? ValueTask.FromException<EnvelopeKeyRecord?>(failure) : ValueTask.FromResult<EnvelopeKeyRecord?>(null);

        public async ValueTask<EnvelopeKeyRecord?> LoadLatestAsync(string keyId, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return failLoads ? throw failure : null;
        }

        public ValueTask<bool> StoreAsync(string keyId, DateTimeOffset created, EnvelopeKeyRecord record, CancellationToken cancellationToken = default) =>
            throw failure;
    }
}

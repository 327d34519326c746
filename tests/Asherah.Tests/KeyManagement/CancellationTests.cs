namespace Asherah.Tests.KeyManagement;

/// <summary>A caller's cancellation token stops that caller's wait, never another caller's shared key load.</summary>
public class CancellationTests
{
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task CancellingOneCaller_OfASharedIntermediateKeyLoad_LeavesTheOtherCallerLoading()
    {
        var metastore = new GatedMetastore(new InMemoryMetastore(), id => id.StartsWith("_IK_", StringComparison.Ordinal));
        using var factory = TestFactories.New(metastore);
        using var session = factory.GetSessionBytes("partition");
        using var cancelA = new CancellationTokenSource();

        var a = session.EncryptAsync([1], cancelA.Token).AsTask();
        await metastore.Entered.WaitAsync(HangLimit);
        var b = session.EncryptAsync([2]).AsTask();
        Assert.False(b.IsCompleted);

        cancelA.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a.WaitAsync(HangLimit));
        metastore.Release();

        var record = await b.WaitAsync(HangLimit);
        Assert.Equal([2], session.Decrypt(record));
    }

    [Fact]
    public async Task CancellingOnePartition_OfASharedSystemKeyLoad_LeavesTheOtherPartitionLoading()
    {
        var metastore = new GatedMetastore(new InMemoryMetastore(), id => id.StartsWith("_SK_", StringComparison.Ordinal));
        using var factory = TestFactories.New(metastore);
        using var sessionA = factory.GetSessionBytes("partition-a");
        using var sessionB = factory.GetSessionBytes("partition-b");
        using var cancelA = new CancellationTokenSource();

        var a = sessionA.EncryptAsync([1], cancelA.Token).AsTask();
        await metastore.Entered.WaitAsync(HangLimit);
        var b = sessionB.EncryptAsync([2]).AsTask();
        Assert.False(b.IsCompleted);

        cancelA.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a.WaitAsync(HangLimit));
        metastore.Release();

        var record = await b.WaitAsync(HangLimit);
        Assert.Equal([2], sessionB.Decrypt(record));
    }

    [Fact]
    public async Task CancellingEveryCaller_OfASharedLoad_CancelsTheLoad_AndALaterCallerLoadsAfresh()
    {
        var metastore = new GatedMetastore(new InMemoryMetastore(), id => id.StartsWith("_IK_", StringComparison.Ordinal));
        using var factory = TestFactories.New(metastore);
        using var session = factory.GetSessionBytes("partition");
        using var cancel = new CancellationTokenSource();

        var a = session.EncryptAsync([1], cancel.Token).AsTask();
        await metastore.Entered.WaitAsync(HangLimit);
        var b = session.EncryptAsync([2], cancel.Token).AsTask();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a.WaitAsync(HangLimit));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => b.WaitAsync(HangLimit));

        metastore.Release();
        var record = await session.EncryptAsync([3]).AsTask().WaitAsync(HangLimit);
        Assert.Equal([3], session.Decrypt(record));
    }
}

using System.Collections.Concurrent;

namespace Asherah.Tests;

/// <summary>
/// The synchronous API blocks on asynchronous loads only on a cache miss; under a single-threaded synchronization
/// context a metastore or persistence that awaits without <c>ConfigureAwait(false)</c> must not deadlock it.
/// </summary>
public class SyncOverAsyncTests
{
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task EncryptAndDecrypt_OnAColdPartition_UnderASingleThreadedContext_Complete()
    {
        var metastore = new YieldingMetastore(new InMemoryMetastore());
        using var context = new SingleThreadedContext();
        using var writer = TestFactories.New(metastore);
        using var reader = TestFactories.New(metastore);

        var result = await context.Run(() =>
        {
            using var encrypting = writer.GetSessionBytes("partition");
            byte[] record = encrypting.Encrypt([1, 2, 3]);
            using var decrypting = reader.GetSessionBytes("partition");
            return decrypting.Decrypt(record);
        }).WaitAsync(HangLimit);

        Assert.Equal([1, 2, 3], result);
    }

    [Fact]
    public async Task StoreAndLoad_UnderASingleThreadedContext_Complete()
    {
        var metastore = new YieldingMetastore(new InMemoryMetastore());
        var persistence = new YieldingPersistence();
        using var context = new SingleThreadedContext();
        using var writer = TestFactories.New(metastore);
        using var reader = TestFactories.New(metastore);

        var (generated, loaded, loadedByKey) = await context.Run(() =>
        {
            using var storing = writer.GetSessionBytes("partition");
            string key = storing.Store([4], persistence);
            storing.Store("chosen", [5], persistence);
            using var loading = reader.GetSessionBytes("partition");
            return (key, loading.Load(key, persistence), loading.Load("chosen", persistence));
        }).WaitAsync(HangLimit);

        Assert.NotNull(generated);
        Assert.Equal([4], loaded);
        Assert.Equal([5], loadedByKey);
    }

    /// <summary>Runs posted work, one item at a time, on one dedicated thread, like a UI thread.</summary>
    private sealed class SingleThreadedContext : SynchronizationContext, IDisposable
    {
        private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = [];

        public SingleThreadedContext()
        {
            var thread = new Thread(Pump) { IsBackground = true, Name = "single-threaded context" };
            thread.Start();
        }

        public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException();

        public Task<T> Run<T>(Func<T> work)
        {
            var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            Post(
                _ =>
                {
                    try
                    {
                        done.SetResult(work());
                    }
                    catch (Exception e)
                    {
                        done.SetException(e);
                    }
                },
                null);
            return done.Task;
        }

        public void Dispose() => _queue.CompleteAdding();

        private void Pump()
        {
            SetSynchronizationContext(this);
            foreach (var (callback, state) in _queue.GetConsumingEnumerable())
            {
                callback(state);
            }
        }
    }

    /// <summary>A metastore whose every call awaits, capturing the caller's context (no ConfigureAwait(false)).</summary>
    private sealed class YieldingMetastore(IMetastore inner) : IMetastore
    {
        public string? KeySuffix => inner.KeySuffix;

        public async ValueTask<EnvelopeKeyRecord?> LoadAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            await Task.Delay(1, cancellationToken);
            return await inner.LoadAsync(keyId, created, cancellationToken);
        }

        public async ValueTask<EnvelopeKeyRecord?> LoadLatestAsync(string keyId, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            await Task.Delay(1, cancellationToken);
            return await inner.LoadLatestAsync(keyId, cancellationToken);
        }

        public async ValueTask<bool> StoreAsync(string keyId, DateTimeOffset created, EnvelopeKeyRecord record, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return await inner.StoreAsync(keyId, created, record, cancellationToken);
        }
    }

    /// <summary>A persistence whose every call awaits, capturing the caller's context.</summary>
    private sealed class YieldingPersistence : Persistence<byte[]>
    {
        private readonly ConcurrentDictionary<string, byte[]> _records = new();

        public override async ValueTask<byte[]?> LoadAsync(string key, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            await Task.Delay(1, cancellationToken);
            return _records.TryGetValue(key, out var record) ? record : null;
        }

        public override async ValueTask StoreAsync(string key, byte[] value, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            _records[key] = value;
        }
    }
}

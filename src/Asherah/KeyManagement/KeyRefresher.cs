using System.Collections.Concurrent;

namespace Asherah.KeyManagement;

/// <summary>
/// Runs the background re-checks of cached keys (<see cref="CryptoPolicy.BackgroundKeyRefresh"/>) for one factory:
/// a queue drained by at most <see cref="CryptoPolicy.MaxConcurrentKeyRefreshes"/> workers on the thread pool.
/// </summary>
/// <remarks>
/// A key is queued at most once at a time (<see cref="KeyCacheEntry.TryBeginRefresh"/>), so the queue never holds more
/// than the cached keys. Workers exist only while there is work: none is left idle, and none outlives
/// <see cref="Dispose"/>, which cancels the re-checks in flight and waits for them to end.
/// </remarks>
internal sealed class KeyRefresher(int maxConcurrency) : IDisposable
{
    /// <summary>How long <see cref="Dispose"/> waits for cancelled re-checks to end.</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<Work> _queue = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _running;
    private volatile bool _disposed;

    /// <summary>Re-checks scheduled or running (for tests and diagnostics).</summary>
    internal int Pending => _queue.Count + Volatile.Read(ref _running);

    /// <summary>Queues a re-check of <paramref name="entry"/>, whose refresh the caller has claimed.</summary>
    public void Schedule(KeyRing ring, string keyId, KeyCacheEntry entry)
    {
        if (_disposed)
        {
            entry.EndRefresh();
            return;
        }

        _queue.Enqueue(new Work(ring, keyId, entry));
        TryStartWorker();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stopping.Cancel();
        SpinWait.SpinUntil(() => Volatile.Read(ref _running) == 0, StopTimeout);
        _queue.Clear();
    }

    private void TryStartWorker()
    {
        while (!_disposed && !_queue.IsEmpty)
        {
            int running = Volatile.Read(ref _running);
            if (running >= maxConcurrency)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _running, running + 1, running) == running)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static refresher => _ = refresher.RunAsync(), this, preferLocal: false);
                return;
            }
        }
    }

    private async Task RunAsync()
    {
        try
        {
            while (!_stopping.IsCancellationRequested && _queue.TryDequeue(out var work))
            {
                try
                {
                    await work.Ring.RefreshInBackgroundAsync(work.KeyId, work.Entry, _stopping.Token).ConfigureAwait(false);
                }
                finally
                {
                    work.Entry.EndRefresh();
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }

        // Work queued between the last TryDequeue and the decrement found every worker slot taken: start one for it.
        TryStartWorker();
    }

    private readonly record struct Work(KeyRing Ring, string KeyId, KeyCacheEntry Entry);
}

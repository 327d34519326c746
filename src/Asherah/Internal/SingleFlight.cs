using System.Collections.Concurrent;

namespace Asherah.Internal;

/// <summary>
/// Runs at most one load per key at a time: callers that miss on the same key while a load is under way await that
/// load instead of starting their own.
/// </summary>
/// <remarks>
/// Each caller's token applies to that caller alone: a caller that cancels stops waiting, and the others keep waiting
/// for the shared load. The load runs with a token of its own, cancelled only when every caller waiting on it has
/// cancelled (never while one waits without a cancellable token). A caller arriving after that starts a new load.
/// </remarks>
internal sealed class SingleFlight<TKey, TValue>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Flight> _inFlight = new();

    public async Task<TValue> RunAsync<TState>(TKey key, TState state, Func<TState, CancellationToken, Task<TValue>> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Flight flight;
        Task? started = null;
        while (true)
        {
            var mine = new Flight();
            flight = _inFlight.GetOrAdd(key, mine);
            if (flight.TryJoin())
            {
                if (flight == mine)
                {
                    started = RunWorkAsync(key, mine, state, work);
                }

                break;
            }

            // Every caller of that load gave up and it is being cancelled: start afresh.
            _inFlight.TryRemove(new KeyValuePair<TKey, Flight>(key, flight));
        }

        try
        {
            if (started is not null)
            {
                // The caller that started the load resumes inline when it ends (it never faults: the outcome is in
                // Result), saving the thread-pool hop that Result's asynchronous continuations cost the callers that joined.
                await started.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            return await flight.Result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !flight.Result.Task.IsCompleted)
        {
            flight.Leave();
            throw;
        }
    }

    private async Task RunWorkAsync<TState>(TKey key, Flight flight, TState state, Func<TState, CancellationToken, Task<TValue>> work)
    {
        var token = flight.Cancellation.Token;
        try
        {
            flight.Result.SetResult(await work(state, token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            flight.Result.SetCanceled(token);
        }
        catch (Exception e)
        {
            flight.Result.SetException(e);
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<TKey, Flight>(key, flight));
            flight.Complete();
        }
    }

    /// <summary>One shared load: its result, its own cancellation, and how many callers still wait on it.</summary>
    private sealed class Flight
    {
        private readonly Lock _lock = new();
        private int _waiters;
        private bool _abandoned;
        private bool _completed;

        public TaskCompletionSource<TValue> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenSource Cancellation { get; } = new();

        /// <summary>Counts a caller in; false when every caller has already given up on this load.</summary>
        public bool TryJoin()
        {
            lock (_lock)
            {
                if (_abandoned)
                {
                    return false;
                }

                _waiters++;
                return true;
            }
        }

        /// <summary>A caller stopped waiting; the last one to go cancels the load.</summary>
        public void Leave()
        {
            lock (_lock)
            {
                if (--_waiters > 0 || _completed)
                {
                    return;
                }

                _abandoned = true;
            }

            // Outside the lock: cancellation callbacks run synchronously.
            Cancellation.Cancel();
        }

        public void Complete()
        {
            lock (_lock)
            {
                _completed = true;
                if (_abandoned)
                {
                    // Leave may still be cancelling; the source is left to the GC (it has no timer to release).
                    return;
                }
            }

            Cancellation.Dispose();
        }
    }
}

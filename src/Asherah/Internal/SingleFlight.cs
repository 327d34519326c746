using System.Collections.Concurrent;

namespace Asherah.Internal;

/// <summary>
/// Runs at most one load per key at a time: callers that miss on the same key while a load is under way await that
/// load instead of starting their own.
/// </summary>
internal sealed class SingleFlight<TKey, TValue>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Task<TValue>> _inFlight = new();

    public async Task<TValue> RunAsync<TState>(TKey key, TState state, Func<TState, CancellationToken, Task<TValue>> work, CancellationToken cancellationToken)
    {
        var mine = new TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = _inFlight.GetOrAdd(key, mine.Task);
        if (running != mine.Task)
        {
            return await running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            mine.SetResult(await work(state, cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException e) when (e.CancellationToken == cancellationToken)
        {
            mine.SetCanceled(cancellationToken);
        }
        catch (Exception e)
        {
            mine.SetException(e);
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<TKey, Task<TValue>>(key, mine.Task));
        }

        return await mine.Task.ConfigureAwait(false);
    }
}

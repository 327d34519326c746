namespace Asherah.Internal;

/// <summary>Runs an asynchronous load to completion for a synchronous caller.</summary>
/// <remarks>
/// The synchronous API (<c>Encrypt</c>, <c>Decrypt</c>, <c>Load</c>, <c>Store</c>) awaits the metastore and KMS only on
/// a cache miss. Blocking on that load is safe only if no continuation of it needs the blocked thread: under a
/// single-threaded <see cref="SynchronizationContext"/> (WinForms, WPF, classic ASP.NET) a metastore or KMS that awaits
/// without <c>ConfigureAwait(false)</c> would post its continuation back to the thread we are blocking. So the load is
/// started with no synchronization context and on the default task scheduler; its continuations run on the thread pool.
/// </remarks>
internal static class SyncOverAsync
{
    public static T Run<TState, T>(TState state, Func<TState, ValueTask<T>> start)
    {
        var context = SynchronizationContext.Current;
        if (context is null && TaskScheduler.Current == TaskScheduler.Default)
        {
            return Wait(start(state));
        }

        // Task.Run starts the work on the pool: no context, default scheduler, whatever the caller runs under.
        return Task.Run(() => start(state).AsTask()).GetAwaiter().GetResult();
    }

    /// <inheritdoc cref="Run{TState, T}" />
    public static void Run<TState>(TState state, Func<TState, ValueTask> start)
    {
        var context = SynchronizationContext.Current;
        if (context is null && TaskScheduler.Current == TaskScheduler.Default)
        {
            var pending = start(state);
            if (!pending.IsCompletedSuccessfully)
            {
                pending.AsTask().GetAwaiter().GetResult();
            }

            return;
        }

        Task.Run(() => start(state).AsTask()).GetAwaiter().GetResult();
    }

    private static T Wait<T>(ValueTask<T> pending) =>
        pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
}

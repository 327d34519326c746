namespace Asherah.Tests;

/// <summary>
/// Wraps a metastore; loads of the ids <c>gated</c> selects wait for <see cref="Release"/> (honouring their token), so
/// a test can hold a key load in flight.
/// </summary>
internal sealed class GatedMetastore(IMetastore inner, Func<string, bool> gated) : IMetastore
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string? KeySuffix => inner.KeySuffix;

    /// <summary>Completes when the first gated load starts waiting.</summary>
    public Task Entered => _entered.Task;

    public void Release() => _gate.TrySetResult();

    public async ValueTask<EnvelopeKeyRecord?> LoadAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default)
    {
        await WaitIfGated(keyId, cancellationToken);
        return await inner.LoadAsync(keyId, created, cancellationToken);
    }

    public async ValueTask<EnvelopeKeyRecord?> LoadLatestAsync(string keyId, CancellationToken cancellationToken = default)
    {
        await WaitIfGated(keyId, cancellationToken);
        return await inner.LoadLatestAsync(keyId, cancellationToken);
    }

    public ValueTask<bool> StoreAsync(string keyId, DateTimeOffset created, EnvelopeKeyRecord record, CancellationToken cancellationToken = default) =>
        inner.StoreAsync(keyId, created, record, cancellationToken);

    private Task WaitIfGated(string keyId, CancellationToken cancellationToken)
    {
        if (!gated(keyId))
        {
            return Task.CompletedTask;
        }

        _entered.TrySetResult();
        return _gate.Task.WaitAsync(cancellationToken);
    }
}

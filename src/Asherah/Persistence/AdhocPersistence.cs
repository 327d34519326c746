namespace Asherah;

/// <summary>A <see cref="Persistence{T}"/> made of two delegates, for in-memory stores and tests.</summary>
/// <typeparam name="T">The data row record type.</typeparam>
public sealed class AdhocPersistence<T> : Persistence<T>
{
    private readonly Func<string, T?> _load;
    private readonly Action<string, T> _store;

    /// <summary>Creates the persistence.</summary>
    /// <param name="load">Returns the record for a key, or <see langword="null"/>.</param>
    /// <param name="store">Stores a record under a key.</param>
    public AdhocPersistence(Func<string, T?> load, Action<string, T> store)
    {
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(store);
        _load = load;
        _store = store;
    }

    /// <inheritdoc />
    public override ValueTask<T?> LoadAsync(string key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_load(key));

    /// <inheritdoc />
    public override ValueTask StoreAsync(string key, T value, CancellationToken cancellationToken = default)
    {
        _store(key, value);
        return ValueTask.CompletedTask;
    }
}

namespace Asherah;

/// <summary>Where an application keeps its data row records, for <c>Session.Store</c> and <c>Session.Load</c>.</summary>
/// <typeparam name="T">The data row record type the session produces.</typeparam>
public abstract class Persistence<T>
{
    /// <summary>Loads the record stored under <paramref name="key"/>, or <see langword="null"/> when there is none.</summary>
    public abstract ValueTask<T?> LoadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>.</summary>
    public abstract ValueTask StoreAsync(string key, T value, CancellationToken cancellationToken = default);

    /// <summary>Makes a key for a value stored without one. Default: a new GUID in the "D" format.</summary>
    public virtual string GenerateKey(T value) => Guid.NewGuid().ToString();
}

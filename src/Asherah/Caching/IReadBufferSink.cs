namespace Asherah.Caching;

/// <summary>Receives the items of a <see cref="StripedReadBuffer{T}"/> drain.</summary>
/// <typeparam name="T">The buffered items.</typeparam>
internal interface IReadBufferSink<in T>
{
    /// <summary>One buffered item, in the order its stripe received it.</summary>
    void OnRead(T item);
}

using System.Buffers;

namespace Asherah.Internal;

/// <summary>
/// A scratch span on the caller's stack when the length fits, otherwise rented from the shared array pool and returned
/// on <see cref="Dispose"/>: <c>using var scratch = new ScratchBuffer(stackalloc byte[N], length);</c>.
/// </summary>
/// <remarks>For non-secret bytes only (ciphertext): rented arrays go back to the pool unwiped.</remarks>
internal ref struct ScratchBuffer
{
    private byte[]? _rented;

    public ScratchBuffer(Span<byte> stack, int length)
    {
        if (length <= stack.Length)
        {
            Span = stack[..length];
        }
        else
        {
            _rented = ArrayPool<byte>.Shared.Rent(length);
            Span = _rented.AsSpan(0, length);
        }
    }

    /// <summary>Exactly the requested number of bytes.</summary>
    public Span<byte> Span { get; }

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
            _rented = null;
        }
    }
}

using System.Security.Cryptography;
using Asherah.SecureMemory;

namespace Asherah;

/// <summary>
/// Raw key bytes held in secure memory: what a key management service encrypts, and what it returns when it decrypts.
/// </summary>
/// <remarks>
/// The bytes never live in a managed array. Read them with <see cref="CopyTo"/> into a buffer you wipe at once (a
/// <c>stackalloc</c> span is best). Dispose wipes and frees the memory.
/// </remarks>
public sealed class KeyMaterial : IDisposable
{
    private readonly SecureBuffer _buffer;

    private KeyMaterial(SecureBuffer buffer) => _buffer = buffer;

    /// <summary>Number of key bytes.</summary>
    public int Length => _buffer.Length;

    /// <summary>Copies <paramref name="key"/> into new secure memory.</summary>
    /// <param name="key">The key bytes; the caller wipes its copy.</param>
    public static KeyMaterial Create(ReadOnlySpan<byte> key) => Create(key, SecureAllocators.Default);

    internal static KeyMaterial Create(ReadOnlySpan<byte> key, SecureAllocator allocator)
    {
        if (key.IsEmpty)
        {
            throw new ArgumentException("Key material cannot be empty.", nameof(key));
        }

        var buffer = allocator.Allocate(key.Length);
        buffer.EnterAccess();
        key.CopyTo(buffer.Span);
        buffer.ExitAccess();
        return new KeyMaterial(buffer);
    }

    /// <summary>Copies the key bytes into <paramref name="destination"/>, which the caller must wipe after use.</summary>
    /// <exception cref="ObjectDisposedException">The key material was disposed.</exception>
    public void CopyTo(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_buffer.IsFreed, this);
        if (destination.Length < Length)
        {
            throw new ArgumentException("Destination is too small.", nameof(destination));
        }

        _buffer.EnterAccess();
        try
        {
            _buffer.Span.CopyTo(destination);
        }
        finally
        {
            _buffer.ExitAccess();
        }
    }

    /// <summary>Compares with other key bytes in constant time.</summary>
    public bool FixedTimeEquals(ReadOnlySpan<byte> other)
    {
        ObjectDisposedException.ThrowIf(_buffer.IsFreed, this);
        _buffer.EnterAccess();
        try
        {
            return CryptographicOperations.FixedTimeEquals(_buffer.Span, other);
        }
        finally
        {
            _buffer.ExitAccess();
        }
    }

    /// <summary>Wipes and frees the key bytes.</summary>
    public void Dispose() => _buffer.Free();
}

using System.Security.Cryptography;
using Asherah.SecureMemory;

namespace Asherah;

/// <summary>
/// Raw key bytes held in secure memory: what a key management service encrypts, and what it returns when it decrypts.
/// </summary>
/// <remarks>
/// The bytes never live in a managed array: memory outside the GC heap, locked against swap, excluded from core dumps,
/// wiped when released. Read them with <see cref="CopyTo"/> into a buffer you wipe at once (a <c>stackalloc</c> span is
/// best), or hand them to <see cref="AeadKey.Create(KeyMaterial, KeyMaterialAllocator)"/>. <see cref="Dispose"/> wipes and frees the memory;
/// material its owner forgets to dispose is wiped when the garbage collector finalizes it.
/// </remarks>
public sealed class KeyMaterial : IDisposable
{
    /// <summary>The most bytes one <see cref="KeyMaterial"/> holds (Asherah's keys are 32).</summary>
    public const int MaxLength = 256;

    private readonly SecureBuffer _buffer;

    private KeyMaterial(SecureBuffer buffer) => _buffer = buffer;

    /// <summary>The secure memory holding the bytes (for tests).</summary>
    internal SecureBuffer Buffer => _buffer;

    /// <summary>Wipes the key bytes if the owner never disposed them.</summary>
    ~KeyMaterial() => _buffer.Free();

    /// <summary>Number of key bytes.</summary>
    public int Length => _buffer.Length;

    /// <summary>Copies <paramref name="key"/> into new secure memory from <see cref="KeyMaterialAllocator.Default"/>.</summary>
    /// <param name="key">The key bytes; the caller wipes its copy.</param>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty or longer than <see cref="MaxLength"/>.</exception>
    /// <exception cref="SecureMemoryException">The memory could not be allocated or locked.</exception>
    public static KeyMaterial Create(ReadOnlySpan<byte> key) => Create(key, SecureAllocators.Default);

    internal static KeyMaterial Create(ReadOnlySpan<byte> key, SecureAllocator allocator)
    {
        if (key.IsEmpty || key.Length > MaxLength)
        {
            throw new ArgumentException($"Key material must be 1 to {MaxLength} bytes; it is {key.Length}.", nameof(key));
        }

        var buffer = allocator.Allocate(key.Length);
        buffer.EnterAccess();
        key.CopyTo(buffer.Span);
        buffer.ExitAccess();
        return new KeyMaterial(buffer);
    }

    /// <summary>Copies the key bytes into <paramref name="destination"/>, which the caller must wipe after use.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Length"/>.</exception>
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
            GC.KeepAlive(this); // the finalizer must not free the buffer while it is read
        }
    }

    /// <summary>Compares with other key bytes in constant time (for equal lengths).</summary>
    /// <exception cref="ObjectDisposedException">The key material was disposed.</exception>
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
            GC.KeepAlive(this);
        }
    }

    /// <summary>Wipes and frees the key bytes. Idempotent.</summary>
    public void Dispose()
    {
        _buffer.Free();
        GC.SuppressFinalize(this);
    }
}

namespace Asherah.SecureMemory;

/// <summary>Hands out <see cref="SecureBuffer"/>s.</summary>
internal abstract class SecureAllocator
{
    /// <summary>Allocates <paramref name="length"/> bytes of secure memory, zero-filled.</summary>
    /// <exception cref="SecureMemoryException">The memory could not be allocated or locked.</exception>
    public abstract SecureBuffer Allocate(int length);

    /// <summary>Bytes this allocator currently holds locked in RAM.</summary>
    public abstract long LockedBytes { get; }
}

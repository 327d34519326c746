using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Asherah.SecureMemory;

/// <summary>
/// A block of secure memory: outside the GC heap, locked against swap where the allocator could lock it, excluded
/// from core dumps, and wiped when freed.
/// </summary>
/// <remarks>
/// Readers bracket every access with <see cref="EnterAccess"/> and <see cref="ExitAccess"/>; in the default mode those
/// cost nothing, in a strict allocator they make the memory readable only for the duration. Lifetime is managed by the
/// owner (see <c>CryptoKey</c>), which guarantees no access is in progress when <see cref="Free"/> is called.
/// </remarks>
internal abstract unsafe class SecureBuffer
{
    private int _freed;

    protected SecureBuffer(byte* pointer, int length)
    {
        Pointer = pointer;
        Length = length;
    }

    /// <summary>Bytes usable by the caller.</summary>
    public int Length { get; }

    /// <summary>Start of the usable bytes.</summary>
    public byte* Pointer { get; }

    /// <summary>The usable bytes; valid only between <see cref="EnterAccess"/> and <see cref="ExitAccess"/>.</summary>
    public Span<byte> Span
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Pointer, Length);
    }

    /// <summary>Whether <see cref="Free"/> has run.</summary>
    public bool IsFreed => Volatile.Read(ref _freed) != 0;

    /// <summary>Makes the memory readable and writable for the calling access.</summary>
    public virtual void EnterAccess()
    {
    }

    /// <summary>Ends an access started with <see cref="EnterAccess"/>.</summary>
    public virtual void ExitAccess()
    {
    }

    /// <summary>Wipes the bytes and returns the memory to its allocator. Idempotent.</summary>
    /// <remarks>
    /// Safe to call from <c>finally</c> blocks and <c>Dispose</c>: finding the buffer corrupted (its canary overwritten)
    /// is not an exception. The allocator wipes the memory, withholds it from reuse, counts and logs the corruption; see
    /// <see cref="SlabAllocator"/>.
    /// </remarks>
    public void Free()
    {
        if (Interlocked.Exchange(ref _freed, 1) != 0)
        {
            return;
        }

        EnterAccess();
        CryptographicOperations.ZeroMemory(Span);
        ExitAccess();
        FreeCore();
    }

    /// <summary>Returns the (already wiped) memory to the allocator.</summary>
    protected abstract void FreeCore();
}

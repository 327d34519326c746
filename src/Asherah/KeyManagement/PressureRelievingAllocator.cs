using Asherah.SecureMemory;

namespace Asherah.KeyManagement;

/// <summary>
/// A <see cref="SecureAllocator"/> that, when an allocation is refused, has the <see cref="MemoryPressureMonitor"/>
/// shrink the caches and tries once more.
/// </summary>
/// <remarks>
/// Cached keys freed by the shrink return their slots to the slab allocator's free lists (locked chunks stay mapped and
/// are reused), so the retry takes one of them instead of locking more memory. If the retry is refused too, or the
/// caches had nothing left to give (all at their floor), the <see cref="SecureMemoryException"/> reaches the caller as
/// without the policy. The shrink runs in a <c>catch</c>, not an exception filter, so the refused allocation's own
/// clean-up (unmapping the chunk it could not lock, releasing its locks) is done first. Only allocations fail over to
/// this path; a successful allocation costs one extra virtual call and a field read.
/// </remarks>
internal sealed class PressureRelievingAllocator(SecureAllocator inner, MemoryPressureMonitor monitor) : SecureAllocator
{
    public override long LockedBytes => inner.LockedBytes;

    public override SecureBuffer Allocate(int length)
    {
        int generation = monitor.Generation;
        try
        {
            return inner.Allocate(length);
        }
        catch (SecureMemoryException)
        {
            if (!monitor.Relieve(generation))
            {
                throw;
            }
        }

        return inner.Allocate(length);
    }
}

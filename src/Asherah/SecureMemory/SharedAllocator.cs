namespace Asherah.SecureMemory;

/// <summary>The process-wide allocator used where no options choose another (the memlock limit is process-wide too).</summary>
internal static class SharedAllocator
{
    public static SecureAllocator Instance { get; } = new PageAllocator();
}

using System.Runtime.InteropServices;

namespace Asherah.Caching;

/// <summary>The indexes of one <see cref="StripedReadBuffer{T}"/> stripe, on cache lines of their own (a non-generic type: explicit layout).</summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct StripeIndexes
{
    /// <summary>Next slot to drain; written by the drainer only.</summary>
    [FieldOffset(0)]
    public int Head;

    /// <summary>Next slot to fill; written by the stripe's threads.</summary>
    [FieldOffset(64)]
    public int Tail;
}

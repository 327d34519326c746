namespace Asherah.Caching;

/// <summary>
/// Where hits of a concurrent cache wait for the policy lock (Caffeine's read buffer): one small ring per stripe, the
/// stripe picked by the calling thread's id, written without locks or interlocked operations and lossy by design.
/// </summary>
/// <remarks>
/// <code>
/// slots   := [pad 16][stripe 0: 16 slots][pad 16][stripe 1: 16 slots]...[pad 16]   one reference array; 128 bytes apart
/// indexes := [Head | pad | Tail | pad] per stripe, 128 bytes each                  so no two stripes share a cache line
/// offer:  size := Tail − Head; full (16, or torn) → drop the sample; else slot[Tail mod 16] := item; Tail := Tail + 1;
///         a drain is due when the stripe is full and no drain runs (a flag on a line of its own)
/// drain:  (one thread, under the cache's lock) draining := 1; per stripe items Head..Tail−1 in order, each slot
///         cleared, Head := Tail; draining := 0
/// </code>
/// Two threads that share a stripe may overwrite each other's slot or index: a sample is lost, never an item invented
/// (an item read twice, or late, is a hit counted again or late, which the policy tolerates: it checks that the entry
/// is still cached). A full stripe drops its samples until drained, so a hit never waits; the offer that fills a
/// stripe says so, and its caller drains when it can take the lock without waiting.
/// </remarks>
/// <typeparam name="T">The buffered items (cache entries).</typeparam>
internal sealed class StripedReadBuffer<T>
    where T : class
{
    /// <summary>Slots per stripe (a power of two).</summary>
    public const int StripeSize = 16;

    private const int Padding = 16; // references: 128 bytes

    private readonly T?[] _slots;
    private readonly StripeIndexes[] _indexes;
    private readonly int _stripeMask;

    // Whether a drain runs now, alone on its cache line (element 16 of 32): a thread whose stripe is full reads it
    // before asking for the lock, so hits do not hammer the lock's word while another thread drains.
    private readonly int[] _draining = new int[32];

    /// <param name="stripes">Stripes (rounded up to a power of two); about 4 per core serves a busy cache.</param>
    public StripedReadBuffer(int stripes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stripes, 1);
        int count = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Min(stripes, 1 << 16));
        _stripeMask = count - 1;
        _indexes = new StripeIndexes[count];
        _slots = new T?[Padding + (count * (StripeSize + Padding))];
    }

    /// <summary>Stripes in the buffer.</summary>
    public int Stripes => _stripeMask + 1;

    /// <summary>Records <paramref name="item"/> in the calling thread's stripe, or drops it when that stripe is full.</summary>
    /// <returns>True when the stripe is full (a drain is due) and no drain runs now.</returns>
    public bool Offer(T item)
    {
        int stripe = Environment.CurrentManagedThreadId & _stripeMask;
        ref var indexes = ref _indexes[stripe];
        int tail = indexes.Tail;
        int size = tail - Volatile.Read(ref indexes.Head);
        if ((uint)size >= StripeSize)
        {
            return Volatile.Read(ref _draining[16]) == 0;
        }

        Volatile.Write(ref _slots[Padding + (stripe * (StripeSize + Padding)) + (tail & (StripeSize - 1))], item);
        Volatile.Write(ref indexes.Tail, tail + 1);
        return size + 1 == StripeSize && Volatile.Read(ref _draining[16]) == 0;
    }

    /// <summary>Hands every buffered item to <paramref name="sink"/>, stripe by stripe, oldest first; one caller at a time.</summary>
    public void Drain<TSink>(TSink sink)
        where TSink : IReadBufferSink<T>
    {
        Volatile.Write(ref _draining[16], 1);
        for (int stripe = 0; stripe <= _stripeMask; stripe++)
        {
            ref var indexes = ref _indexes[stripe];
            int head = indexes.Head;
            int tail = Volatile.Read(ref indexes.Tail);
            int size = tail - head;
            if (size == 0)
            {
                continue;
            }

            int first = Padding + (stripe * (StripeSize + Padding));
            if ((uint)size > StripeSize)
            {
                // Indexes torn by threads sharing the stripe: take whatever the slots hold, in slot order.
                head = 0;
                size = StripeSize;
            }

            for (int i = 0; i < size; i++)
            {
                ref var slot = ref _slots[first + ((head + i) & (StripeSize - 1))];
                var item = Volatile.Read(ref slot);
                if (item is not null)
                {
                    slot = null;
                    sink.OnRead(item);
                }
            }

            Volatile.Write(ref indexes.Head, tail);
        }

        Volatile.Write(ref _draining[16], 0);
    }

    /// <summary>Forgets every buffered item (one caller at a time, as <see cref="Drain"/>).</summary>
    public void Clear()
    {
        Array.Clear(_slots);
        for (int stripe = 0; stripe <= _stripeMask; stripe++)
        {
            Volatile.Write(ref _indexes[stripe].Head, Volatile.Read(ref _indexes[stripe].Tail));
        }
    }
}

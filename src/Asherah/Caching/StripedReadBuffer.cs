namespace Asherah.Caching;

/// <summary>
/// Where hits of a concurrent cache wait for the policy lock (Caffeine's read buffer): one small ring per stripe, the
/// stripe picked by the calling thread's id, written without locks or interlocked operations and lossy by design.
/// </summary>
/// <remarks>
/// <code>
/// slots   := [pad 16][stripe 0: 16 slots][pad 16][stripe 1: 16 slots]...[pad 16]   one reference array; 128 bytes apart
/// indexes := [Head | pad | Tail | pad] per stripe, 128 bytes each                  so no two stripes share a cache line
/// offer:  size := Tail − Head; size &lt; 16 → slot[Tail mod 16] := item, else the sample is dropped; Tail := Tail + 1
///         (Tail counts offers). A drain is due when the stripe is full, no drain runs, and the caller is the thread
///         that drained after a hit last (or none has), or its stripe has dropped 48 samples waiting for that thread
/// drain:  (one thread, under the cache's lock) draining := 1; after a hit, drainer := the caller (after a write,
///         drainer := none); per stripe items Head .. min(Tail, Head + 16) − 1 in order, each slot cleared,
///         Head := Tail; draining := 0
/// </code>
/// <para>
/// Why one thread drains: a drain rewrites the policy's links and counters, and when threads take turns draining, those
/// cache lines travel between the cores at every drain (on 2 threads, hits of lru and slru took about 15 % longer that
/// way: <c>cachescaling</c> in bench/Asherah.Benchmarks). The thread that drained last keeps doing so, draining every
/// stripe; the others only record, and drop samples while their stripes are full. If that thread stops using the
/// cache, another takes over once its stripe has dropped 48 samples; a write drains every stripe and names no drainer,
/// so the next full stripe drains at once.
/// </para>
/// <para>
/// Two threads that share a stripe may overwrite each other's slot or index: a sample is lost, never an item invented
/// (an item read twice, or late, is a hit counted again or late, which the policy tolerates: it checks that the entry
/// is still cached). A hit never waits: its caller drains only when it can take the lock without waiting.
/// </para>
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

    /// <summary>Dropped samples after which a full stripe drains although another thread drained last.</summary>
    internal const int TakeOverDrops = 3 * StripeSize;

    // On a cache line of their own (elements 16 and 17 of 32), read by a thread whose stripe is full before it asks
    // for the lock: whether a drain runs now (so hits do not hammer the lock's word meanwhile), and the managed id of
    // the thread that drained after a hit last (0: none yet).
    private const int DrainingIndex = 16;
    private const int DrainerIndex = 17;
    private readonly int[] _drainState = new int[32];

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
    /// <returns>True when the caller should drain: its stripe is full, no drain runs now, and either the caller drained
    /// last (or no thread has yet) or its stripe has dropped <see cref="TakeOverDrops"/> samples since it was last
    /// drained.</returns>
    public bool Offer(T item)
    {
        int stripe = Environment.CurrentManagedThreadId & _stripeMask;
        ref var indexes = ref _indexes[stripe];
        int tail = indexes.Tail;
        int size = tail - Volatile.Read(ref indexes.Head);
        if ((uint)size < StripeSize)
        {
            Volatile.Write(ref _slots[Padding + (stripe * (StripeSize + Padding)) + (tail & (StripeSize - 1))], item);
        }

        // Tail counts offers, the dropped ones too: how long the stripe has waited for a drain.
        Volatile.Write(ref indexes.Tail, tail + 1);
        if ((uint)(size + 1) < StripeSize || Volatile.Read(ref _drainState[DrainingIndex]) != 0)
        {
            return false;
        }

        int last = Volatile.Read(ref _drainState[DrainerIndex]);
        return last == 0 || last == Environment.CurrentManagedThreadId || (uint)(size + 1) >= StripeSize + TakeOverDrops;
    }

    /// <summary>Hands every buffered item to <paramref name="sink"/>, stripe by stripe, oldest first; one caller at a time.</summary>
    /// <param name="sink">Receives the items.</param>
    /// <param name="afterHit">True when a hit drains (its <see cref="Offer"/> said so): the caller becomes the thread
    /// that drains after hits from now on; false for a write: no thread is named, and the next full stripe drains.</param>
    public void Drain<TSink>(TSink sink, bool afterHit = false)
        where TSink : IReadBufferSink<T>
    {
        Volatile.Write(ref _drainState[DrainingIndex], 1);
        _drainState[DrainerIndex] = afterHit ? Environment.CurrentManagedThreadId : 0;

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

            // Items were written at positions Head .. Head + 15 at most (later offers were dropped). A size that is
            // negative (indexes torn by threads sharing the stripe) reads the whole stripe; empty slots are skipped.
            int first = Padding + (stripe * (StripeSize + Padding));
            int count = (uint)size > StripeSize ? StripeSize : size;
            for (int i = 0; i < count; i++)
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

        Volatile.Write(ref _drainState[DrainingIndex], 0);
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

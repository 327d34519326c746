using Asherah.Caching;

namespace Asherah.Tests.Caching;

/// <summary>
/// The read buffer's own rules: order and loss within a stripe, when a drain is due, and which thread drains. Buffers
/// of one stripe, so every thread records into the same stripe whatever its id; threads run one after the other, and
/// the one that drains first is the test's own (alive throughout, so no later thread gets its managed id).
/// </summary>
public sealed class StripedReadBufferTests
{
    private const int Size = StripedReadBuffer<object>.StripeSize;

    [Fact]
    public void Drain_HandsOverTheItemsInOrder_AndDropsThoseOfferedToAFullStripe()
    {
        var buffer = new StripedReadBuffer<string>(1);
        for (int i = 0; i < Size + 5; i++)
        {
            buffer.Offer($"item-{i}");
        }

        var drained = new Sink<string>();
        buffer.Drain(drained);
        Assert.Equal(Enumerable.Range(0, Size).Select(i => $"item-{i}"), drained.Items);

        drained.Items.Clear();
        buffer.Offer("after");
        buffer.Drain(drained);
        Assert.Equal(["after"], drained.Items);
    }

    [Fact]
    public void Offer_SaysADrainIsDue_WhenItFillsTheStripe()
    {
        var buffer = new StripedReadBuffer<object>(1);
        for (int i = 1; i < Size; i++)
        {
            Assert.False(buffer.Offer(new object()), $"offer {i} of {Size}");
        }

        Assert.True(buffer.Offer(new object()));
        Assert.True(buffer.Offer(new object())); // still full: still due
        buffer.Drain(new Sink<object>());
        Assert.False(buffer.Offer(new object()));
    }

    [Fact]
    public void AnotherThread_LeavesTheDrainToTheThreadThatDrainedLast_UntilItsStripeDroppedTakeOverDrops()
    {
        var buffer = new StripedReadBuffer<object>(1);
        FillAndDrain(buffer, afterHit: true);

        // The thread that drained after a hit is another one: filling the stripe is not enough ...
        var due = OnNewThread(() => Enumerable.Range(1, Size + StripedReadBuffer<object>.TakeOverDrops).Select(_ => buffer.Offer(new object())).ToArray());
        Assert.All(due[..^1], Assert.False);

        // ... until the stripe has dropped TakeOverDrops samples waiting for it.
        Assert.True(due[^1]);
    }

    [Fact]
    public void TheThreadThatDrainedLast_DrainsAgainAsSoonAsItsStripeIsFull()
    {
        var buffer = new StripedReadBuffer<object>(1);
        FillAndDrain(buffer, afterHit: true);
        var due = Enumerable.Range(1, Size).Select(_ => buffer.Offer(new object())).ToArray();

        Assert.All(due[..^1], Assert.False);
        Assert.True(due[^1]);
    }

    [Fact]
    public void AfterAWriteDrains_TheNextFullStripeDrainsAtOnce_WhicheverThreadFillsIt()
    {
        var buffer = new StripedReadBuffer<object>(1);
        FillAndDrain(buffer, afterHit: true);
        OnNewThread(() => FillAndDrain(buffer, afterHit: false));

        var due = OnNewThread(() => Enumerable.Range(1, Size).Select(_ => buffer.Offer(new object())).ToArray());
        Assert.True(due[^1]);
    }

    [Fact]
    public void NoDrainIsDue_WhileADrainRuns()
    {
        var buffer = new StripedReadBuffer<object>(1);
        bool? dueDuringDrain = null;
        for (int i = 0; i < Size; i++)
        {
            buffer.Offer(new object());
        }

        // A sink that offers while the drain runs, as a hit on another thread would.
        buffer.Drain(new OfferingSink(() => dueDuringDrain = FillUp(buffer)));
        Assert.False(dueDuringDrain);
        Assert.True(FillUp(buffer)); // and due again once it ended
    }

    private static void FillAndDrain(StripedReadBuffer<object> buffer, bool afterHit)
    {
        for (int i = 0; i < Size; i++)
        {
            buffer.Offer(new object());
        }

        buffer.Drain(new Sink<object>(), afterHit);
    }

    /// <summary>Offers until the stripe is full (the last offer's answer: would a drain be due).</summary>
    private static bool FillUp(StripedReadBuffer<object> buffer)
    {
        bool due = false;
        for (int i = 0; i < Size + StripedReadBuffer<object>.TakeOverDrops; i++)
        {
            due |= buffer.Offer(new object());
        }

        return due;
    }

    private static void OnNewThread(Action action) => OnNewThread(() =>
    {
        action();
        return 0;
    });

    private static T OnNewThread<T>(Func<T> function)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = function();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? result : throw new InvalidOperationException("The thread failed.", failure);
    }

    private sealed class Sink<T> : IReadBufferSink<T>
        where T : class
    {
        public List<T> Items { get; } = [];

        public void OnRead(T item) => Items.Add(item);
    }

    private sealed class OfferingSink(Action onFirstRead) : IReadBufferSink<object>
    {
        private bool _offered;

        public void OnRead(object item)
        {
            if (!_offered)
            {
                _offered = true;
                onFirstRead();
            }
        }
    }
}

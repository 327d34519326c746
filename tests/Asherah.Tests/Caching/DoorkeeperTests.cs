using Asherah.Caching;

namespace Asherah.Tests.Caching;

/// <summary>The Bloom filter in front of tinylfu's sketch.</summary>
public sealed class DoorkeeperTests
{
    [Fact]
    public void Add_SaysWhetherTheKeyWasSeen_AndClearForgets()
    {
        var doorkeeper = new Doorkeeper(1000);
        Assert.False(doorkeeper.Contains(12345));
        Assert.False(doorkeeper.Add(12345));
        Assert.True(doorkeeper.Contains(12345));
        Assert.True(doorkeeper.Add(12345));
        doorkeeper.Clear();
        Assert.False(doorkeeper.Contains(12345));
        Assert.False(doorkeeper.Add(12345));
    }

    [Fact]
    public void AddedKeys_AreAlwaysFound_AndFewOthersAre()
    {
        const int Inserted = 10_000;
        var doorkeeper = new Doorkeeper(Inserted);
        Assert.Equal(131_072, doorkeeper.Size); // 8 bits per insertion, rounded up to a power of two
        for (int key = 0; key < Inserted; key++)
        {
            doorkeeper.Add(key * 2);
        }

        Assert.All(Enumerable.Range(0, Inserted), key => Assert.True(doorkeeper.Contains(key * 2)));

        // Three probes into 13 bits per key: about 1 % false positives in theory; allow 3 %.
        int falsePositives = Enumerable.Range(0, Inserted).Count(key => doorkeeper.Contains((key * 2) + 1));
        Assert.InRange(falsePositives, 0, Inserted * 3 / 100);
    }

    [Fact]
    public void BadSizes_AreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Doorkeeper(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Doorkeeper(10, 0));
    }
}

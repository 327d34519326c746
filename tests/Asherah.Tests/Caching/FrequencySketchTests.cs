using Asherah.Caching;

namespace Asherah.Tests.Caching;

/// <summary>The count-min sketch behind tinylfu: estimates, saturation and aging.</summary>
public sealed class FrequencySketchTests
{
    [Fact]
    public void Estimates_AreNeverBelowTheTrueCount_BeforeAging()
    {
        // 2,000 keys with 0..15 accesses each in a sketch for 1,000 entries: crowded enough for collisions.
        var sketch = new FrequencySketch(1000, samplesPerEntry: 1000);
        var random = new Random(7);
        var counts = Enumerable.Range(0, 2000).ToDictionary(k => k * 7919, _ => random.Next(16));
        foreach (var (key, count) in counts)
        {
            for (int i = 0; i < count; i++)
            {
                sketch.Increment(key);
            }
        }

        Assert.Equal(0, sketch.Resets);
        Assert.All(counts, p => Assert.InRange(sketch.Frequency(p.Key), p.Value, FrequencySketch.MaximumFrequency));
    }

    [Fact]
    public void TheFirstAccess_GoesToTheDoorkeeper_AndLaterOnesToTheCounters()
    {
        var sketch = new FrequencySketch(64);
        Assert.Equal(0, sketch.Frequency(42));
        sketch.Increment(42);
        Assert.Equal(1, sketch.Frequency(42));
        sketch.Increment(42);
        sketch.Increment(42);
        Assert.Equal(3, sketch.Frequency(42));
    }

    [Fact]
    public void Counters_SaturateAt15_PlusTheDoorkeeper()
    {
        var sketch = new FrequencySketch(64, samplesPerEntry: 100);
        for (int i = 0; i < 100; i++)
        {
            sketch.Increment(5);
        }

        Assert.Equal(FrequencySketch.MaximumFrequency, sketch.Frequency(5));
    }

    [Fact]
    public void EverySampleOfAccesses_HalvesTheCounters_AndClearsTheDoorkeeper()
    {
        var sketch = new FrequencySketch(100, samplesPerEntry: 10); // a sample of 1,000 increments
        Assert.Equal(1000, sketch.SampleSize);
        var keys = Enumerable.Range(1, 100).Select(k => k * 31).ToArray();
        int increments = 0;
        foreach (int key in keys)
        {
            for (int i = 0; i <= key % 13; i++)
            {
                sketch.Increment(key);
                increments++;
            }
        }

        var before = keys.ToDictionary(k => k, sketch.Frequency);
        Assert.Equal(0, sketch.Resets);

        // Fill the sample with one key; its last increment triggers the halving.
        for (; increments < sketch.SampleSize; increments++)
        {
            sketch.Increment(-1);
        }

        Assert.Equal(1, sketch.Resets);

        // Every key was seen, so its estimate was counters + 1 (doorkeeper); after: the counters' minimum halved, no doorkeeper.
        Assert.All(keys, k => Assert.Equal((before[k] - 1) / 2, sketch.Frequency(k)));
    }

    [Fact]
    public void Halving_AgesOutAnOldFavourite_ForANewOne()
    {
        var sketch = new FrequencySketch(10, samplesPerEntry: 10); // halves every 100 increments
        for (int i = 0; i < 15; i++)
        {
            sketch.Increment(1);
        }

        for (int i = 0; i < 300; i++)
        {
            sketch.Increment(2);
        }

        Assert.True(sketch.Frequency(2) > sketch.Frequency(1));
        Assert.InRange(sketch.Frequency(1), 0, 1);
    }
}

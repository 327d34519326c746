using Asherah.Benchmarks.Caching.Traces;

namespace Asherah.Benchmarks.Tests.Caching;

public class ZipfSamplerTests
{
    [Theory]
    [InlineData(0.8)]
    [InlineData(1.0)]
    [InlineData(1.2)]
    [InlineData(2.5)]
    public void Sample_OverAThousandRanks_PassesAChiSquareTestAgainstTheExactDistribution(double exponent)
    {
        const int Ranks = 1000;
        const int Samples = 2_000_000;
        var sampler = new ZipfSampler(Ranks, exponent);
        var random = new TraceRandom(77);
        var observed = new long[Ranks + 1];
        for (int i = 0; i < Samples; i++)
        {
            observed[sampler.Sample(random)]++;
        }

        double normalizer = 0;
        for (int k = 1; k <= Ranks; k++)
        {
            normalizer += Math.Pow(k, -exponent);
        }

        // Pool the tail into one bin so that every bin expects at least 5 samples (s = 2.5 leaves the tail nearly empty).
        double chiSquare = 0;
        int bins = 0;
        double pooledExpected = 0;
        long pooledObserved = 0;
        for (int k = 1; k <= Ranks; k++)
        {
            double expected = Samples * Math.Pow(k, -exponent) / normalizer;
            if (expected >= 5 && pooledExpected == 0)
            {
                chiSquare += Square(observed[k] - expected) / expected;
                bins++;
            }
            else
            {
                pooledExpected += expected;
                pooledObserved += observed[k];
            }
        }

        if (pooledExpected > 0)
        {
            chiSquare += Square(pooledObserved - pooledExpected) / pooledExpected;
            bins++;
        }

        // χ² with d = bins − 1 degrees of freedom has mean d and standard deviation √(2d); allow six deviations. The
        // seed is fixed, so this passes or fails the same way every run; an off-by-one rank or a wrong exponent lands
        // thousands of deviations away.
        int freedom = bins - 1;
        double limit = freedom + (6 * Math.Sqrt(2.0 * freedom));
        Assert.True(chiSquare < limit, $"s = {exponent}: χ² = {chiSquare:F1} over {freedom} degrees of freedom (limit {limit:F1})");
        Assert.Equal(0, observed[0]);
    }

    [Theory]
    [InlineData(0.8)]
    [InlineData(1.0)]
    [InlineData(1.2)]
    public void Sample_OverAMillionRanks_MatchesTheTopRankFrequenciesAndTheTailMass(double exponent)
    {
        const int Ranks = 1_000_000;
        const int Samples = 4_000_000;
        var sampler = new ZipfSampler(Ranks, exponent);
        var random = new TraceRandom(99);
        var observed = new long[Ranks + 1];
        for (int i = 0; i < Samples; i++)
        {
            observed[sampler.Sample(random)]++;
        }

        double normalizer = 0;
        for (int k = Ranks; k >= 1; k--)
        {
            normalizer += Math.Pow(k, -exponent);
        }

        foreach (int rank in new[] { 1, 2, 3, 10, 100, 1000 })
        {
            AssertWithinSixSigma(observed[rank], Samples, Math.Pow(rank, -exponent) / normalizer, $"rank {rank}");
        }

        // The mass of the bottom half of the ranks, where a sampler that clips or truncates would go wrong.
        double tail = 0;
        long observedTail = 0;
        for (int k = Ranks; k > Ranks / 2; k--)
        {
            tail += Math.Pow(k, -exponent);
            observedTail += observed[k];
        }

        AssertWithinSixSigma(observedTail, Samples, tail / normalizer, "ranks above 500,000");
    }

    [Fact]
    public void Probability_SumsToOne()
    {
        var sampler = new ZipfSampler(500, 1.0);

        double sum = Enumerable.Range(1, 500).Sum(sampler.Probability);

        Assert.Equal(1.0, sum, 1e-12);
    }

    [Fact]
    public void Sample_WithOneRank_AlwaysReturnsIt()
    {
        var sampler = new ZipfSampler(1, 1.0);
        var random = new TraceRandom(5);

        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(1, sampler.Sample(random)));
    }

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(10, 0.0)]
    [InlineData(10, -1.0)]
    [InlineData(10, double.NaN)]
    [InlineData(10, double.PositiveInfinity)]
    public void Constructor_WithAnInvalidParameter_Throws(int count, double exponent) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZipfSampler(count, exponent));

    private static void AssertWithinSixSigma(long observed, long samples, double probability, string what)
    {
        double expected = samples * probability;
        double sigma = Math.Sqrt(samples * probability * (1 - probability));
        Assert.True(
            Math.Abs(observed - expected) <= 6 * sigma,
            $"{what}: observed {observed}, expected {expected:F0} ± {sigma:F0}");
    }

    private static double Square(double x) => x * x;
}

namespace Asherah.Benchmarks.Caching.Traces;

/// <summary>
/// Samples ranks 1 … N with P(k) = k^−s / H(N, s), by rejection-inversion (W. Hörmann and G. Derflinger, "Rejection-
/// inversion to generate variates from monotone discrete distributions", ACM TOMACS 6(3), 1996).
/// </summary>
/// <remarks>
/// Constant memory and expected O(1) time per sample for every s &gt; 0 (s = 1 included), so N = 1,000,000 costs no
/// table. The construction follows Apache Commons' <c>RejectionInversionZipfSampler</c>: invert the integral of the
/// continuous hat h(x) = x^−s over [k − ½, k + ½], and accept k when the uniform falls under the area that belongs to
/// k's own probability; the squeeze <c>k − x ≤ squeeze</c> accepts most samples without evaluating h.
/// <code>
/// H(x)   = ((x^(1−s)) − 1) / (1 − s)     (= ln x when s = 1), computed as helper2((1−s)·ln x)·ln x
/// H⁻¹(y) = (1 + y·(1−s))^(1/(1−s))       (= e^y when s = 1),  computed as exp(helper1(y·(1−s))·y)
/// </code>
/// </remarks>
internal sealed class ZipfSampler
{
    private readonly int _count;
    private readonly double _exponent;
    private readonly double _hIntegralX1;
    private readonly double _hIntegralCount;
    private readonly double _squeeze;

    /// <param name="count">N, the number of ranks.</param>
    /// <param name="exponent">s, the skew; larger is more skewed.</param>
    public ZipfSampler(int count, double exponent)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "A Zipf distribution needs at least one rank.");
        }

        if (!(exponent > 0) || double.IsInfinity(exponent))
        {
            throw new ArgumentOutOfRangeException(nameof(exponent), exponent, "The Zipf exponent must be a positive finite number.");
        }

        _count = count;
        _exponent = exponent;
        _hIntegralX1 = HIntegral(1.5) - 1.0;
        _hIntegralCount = HIntegral(count + 0.5);
        _squeeze = 2.0 - HIntegralInverse(HIntegral(2.5) - H(2.0));
    }

    /// <summary>N.</summary>
    public int Count => _count;

    /// <summary>s.</summary>
    public double Exponent => _exponent;

    /// <summary>One rank in 1 … N.</summary>
    public int Sample(TraceRandom random)
    {
        while (true)
        {
            double u = _hIntegralCount + random.NextDouble() * (_hIntegralX1 - _hIntegralCount);
            double x = HIntegralInverse(u);
            int k = (int)(x + 0.5);
            if (k < 1)
            {
                k = 1;
            }
            else if (k > _count)
            {
                k = _count;
            }

            if (k - x <= _squeeze || u >= HIntegral(k + 0.5) - H(k))
            {
                return k;
            }
        }
    }

    /// <summary>The exact probability of rank <paramref name="rank"/> (for tests): k^−s / Σ j^−s.</summary>
    public double Probability(int rank)
    {
        double normalizer = 0;
        for (int j = _count; j >= 1; j--)
        {
            normalizer += Math.Pow(j, -_exponent);
        }

        return Math.Pow(rank, -_exponent) / normalizer;
    }

    private double H(double x) => Math.Exp(-_exponent * Math.Log(x));

    private double HIntegral(double x)
    {
        double logX = Math.Log(x);
        return Helper2((1.0 - _exponent) * logX) * logX;
    }

    private double HIntegralInverse(double x)
    {
        double t = x * (1.0 - _exponent);
        if (t < -1.0)
        {
            // Only rounding can take t below −1; clamp so that log1p stays finite.
            t = -1.0;
        }

        return Math.Exp(Helper1(t) * x);
    }

    /// <summary>log(1 + x) / x, accurate near 0.</summary>
    private static double Helper1(double x) =>
        Math.Abs(x) > 1e-8 ? LogOnePlus(x) / x : 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));

    /// <summary>(e^x − 1) / x, accurate near 0.</summary>
    private static double Helper2(double x) =>
        Math.Abs(x) > 1e-8 ? ExpMinusOne(x) / x : 1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x));

    // Math has no log1p/expm1; these are the classic exact-to-a-few-ulps forms (Goldberg 1991; Kahan).
    private static double LogOnePlus(double x)
    {
        double u = 1.0 + x;
        return u == 1.0 ? x : Math.Log(u) * x / (u - 1.0);
    }

    private static double ExpMinusOne(double x)
    {
        double u = Math.Exp(x);
        if (u == 1.0)
        {
            return x;
        }

        double um1 = u - 1.0;
        return um1 == -1.0 ? -1.0 : um1 * x / Math.Log(u);
    }
}

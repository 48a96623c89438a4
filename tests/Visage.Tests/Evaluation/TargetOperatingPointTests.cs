using Visage.Evaluation;
using Visage.Recognition;

namespace Visage.Tests.Evaluation;

public sealed class TargetOperatingPointTests
{
    /// <summary><paramref name="different"/> different-person pairs spread over (1, 2], and 10 same-person pairs at 0.5.</summary>
    private static VerificationMetrics Metrics(int different) =>
        new(Enumerable.Range(0, different).Select(i => new LabelledDistance(1f + (i + 1f) / different, false))
            .Concat(Enumerable.Range(0, 10).Select(_ => new LabelledDistance(0.5f, true)))
            .ToList());

    [Theory]
    [InlineData(1e-3, 3000)]
    [InlineData(1e-2, 300)]
    public void A_rate_needs_enough_different_pairs_to_see_three_false_accepts(double far, int needed)
    {
        Assert.Equal(needed, TargetOperatingPoint.PairsNeeded(far));
    }

    [Fact]
    public void With_too_few_different_pairs_the_rate_is_not_reported()
    {
        var point = TargetOperatingPoint.Of(Metrics(2999), 1e-3);

        Assert.Equal(TargetOperatingPoint.NotEnoughPairs, point.Status);
        Assert.Equal((2999, 3000), (point.DifferentPairs, point.DifferentPairsNeeded));
        Assert.Null(point.TrueAcceptRate);
        Assert.Null(point.Threshold);
    }

    [Fact]
    public void With_enough_different_pairs_the_rate_is_measured()
    {
        var point = TargetOperatingPoint.Of(Metrics(3000), 1e-3);

        Assert.Equal(TargetOperatingPoint.Measured, point.Status);
        Assert.Equal(1.0, point.TrueAcceptRate);
        Assert.True(point.FalseAcceptRate <= 1e-3);
        Assert.Equal(1 + 4 / 3000.0, point.Threshold!.Value, 4); // just below the fourth different pair
    }
}

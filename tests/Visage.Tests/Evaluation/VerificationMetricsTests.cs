using Visage.Recognition;
using Visage.Evaluation;

namespace Visage.Tests.Evaluation;

public sealed class VerificationMetricsTests
{
    // Same-person distances 0.1, 0.2, 0.4; different-person 0.3, 0.5, 0.6, 0.7.
    private static readonly LabelledDistance[] Pairs =
    [
        new(0.1f, true), new(0.2f, true), new(0.4f, true),
        new(0.3f, false), new(0.5f, false), new(0.6f, false), new(0.7f, false),
    ];

    private readonly VerificationMetrics _metrics = new(Pairs);

    [Fact]
    public void Rates_at_a_threshold_count_pairs_at_or_below_it()
    {
        Assert.Equal(2 / 3.0, _metrics.TrueAcceptRate(0.35f), 12);
        Assert.Equal(1 / 4.0, _metrics.FalseAcceptRate(0.35f), 12);
        Assert.Equal(1.0, _metrics.TrueAcceptRate(0.4f), 12);
        Assert.Equal(0.5, _metrics.FalseAcceptRate(0.5f), 12);
    }

    [Fact]
    public void Area_under_the_curve_is_the_share_of_same_different_pairs_ordered_right()
    {
        // 0.1 and 0.2 are below all four different distances, 0.4 below three: 11 of 12.
        Assert.Equal(11 / 12.0, _metrics.AreaUnderCurve(), 12);
    }

    [Fact]
    public void Ties_count_half_in_the_area()
    {
        var metrics = new VerificationMetrics([new(0.5f, true), new(0.5f, false)]);
        Assert.Equal(0.5, metrics.AreaUnderCurve(), 12);
    }

    [Fact]
    public void Roc_curve_has_a_point_per_distinct_threshold()
    {
        var roc = _metrics.RocCurve();

        Assert.Equal(8, roc.Count);
        Assert.Equal((0.0, 0.0), (roc[0].TrueAcceptRate, roc[0].FalseAcceptRate));
        Assert.Equal((2 / 3.0, 1 / 4.0), (roc[3].TrueAcceptRate, roc[3].FalseAcceptRate));
        Assert.Equal((1.0, 1.0), (roc[^1].TrueAcceptRate, roc[^1].FalseAcceptRate));
    }

    [Fact]
    public void Equal_error_rate_is_where_false_accepts_meet_false_rejects()
    {
        // At 0.3: FAR 1/4, FRR 1/3; at 0.4: FAR 1/4, FRR 0. They meet at 1/4.
        Assert.Equal(0.25, _metrics.EqualErrorRate(), 12);
    }

    [Fact]
    public void Equal_error_rate_interpolates_between_thresholds()
    {
        // Separable: at 0.2 both rates are 0. Crossing (same 0.1, 0.3; different 0.2, 0.4): at 0.1 FAR 0 and
        // FRR 1/2, at 0.2 FAR 1/2 and FRR 1/2, so they meet at 1/2.
        var separable = new VerificationMetrics([new(0.1f, true), new(0.2f, true), new(0.3f, false), new(0.4f, false)]);
        Assert.Equal(0, separable.EqualErrorRate(), 12);
        var crossing = new VerificationMetrics([new(0.1f, true), new(0.3f, true), new(0.2f, false), new(0.4f, false)]);
        Assert.Equal(0.5, crossing.EqualErrorRate(), 12);
    }

    [Fact]
    public void True_accept_rate_at_a_false_accept_rate_takes_the_largest_threshold_within_it()
    {
        var quarter = _metrics.AtFalseAcceptRate(0.25);
        Assert.True(quarter.Threshold is >= 0.4f and < 0.5f, $"threshold {quarter.Threshold}");
        Assert.Equal(1.0, quarter.TrueAcceptRate, 12);
        Assert.Equal(0.25, quarter.FalseAcceptRate, 12);

        var tenth = _metrics.AtFalseAcceptRate(0.1);
        Assert.True(tenth.Threshold is >= 0.2f and < 0.3f, $"threshold {tenth.Threshold}");
        Assert.Equal(2 / 3.0, tenth.TrueAcceptRate, 12);
        Assert.Equal(0, tenth.FalseAcceptRate, 12);
    }

    [Fact]
    public void Needs_both_kinds_of_pair()
    {
        Assert.Throws<ArgumentException>(() => new VerificationMetrics([new(0.1f, true)]));
    }
}

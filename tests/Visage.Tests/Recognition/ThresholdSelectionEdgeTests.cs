using Visage.Recognition;

namespace Visage.Tests.Recognition;

public sealed class ThresholdSelectionEdgeTests
{
    [Fact]
    public void Zero_distance_reported_accuracy_matches_actual()
    {
        LabelledDistance[] pairs = [new(0f, false), new(0.5f, false), new(1f, true)];
        var choice = ThresholdSelection.BestAccuracy(pairs);
        Assert.Equal(choice.Accuracy, ThresholdSelection.Accuracy(pairs, choice.Threshold), 1e-12);
    }

    [Fact]
    public void Adjacent_floats_midpoint_stays_in_gap()
    {
        var a = MathF.BitIncrement(1f);
        var b = MathF.BitIncrement(a);
        LabelledDistance[] pairs = [new(a, true), new(b, false)];
        var choice = ThresholdSelection.BestAccuracy(pairs);
        Assert.Equal(1.0, choice.Accuracy);
        Assert.Equal(1.0, ThresholdSelection.Accuracy(pairs, choice.Threshold));
    }
}

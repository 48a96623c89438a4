using Visage.Recognition;
using Visage.Evaluation;

namespace Visage.Tests.Evaluation;

public sealed class CalibrationTests
{
    [Fact]
    public void All_pairs_of_photos_are_labelled_by_identity()
    {
        var photos = new List<(string, float[])>
        {
            ("ada", [0, 0]), ("ada", [3, 4]), ("bob", [0, 1]),
        };

        var pairs = Calibration.AllPairs(photos);

        Assert.Equal(3, pairs.Count);
        Assert.Equal(new LabelledDistance(5, true), pairs[0]);
        Assert.Equal(new LabelledDistance(1, false), pairs[1]);
        Assert.False(pairs[2].SamePerson);
    }

    [Fact]
    public void Chooses_the_threshold_of_the_target_false_accept_rate()
    {
        // 20 same-person pairs at 0.1..0.2, 100 different-person pairs at 0.5..1.49: a FAR of 1/100 allows one.
        var distances = Enumerable.Range(0, 20).Select(i => new LabelledDistance(0.1f + i * 0.005f, true))
            .Concat(Enumerable.Range(0, 100).Select(i => new LabelledDistance(0.5f + i * 0.01f, false)))
            .ToList();

        var result = Calibration.Calibrate(distances, 0.01);

        Assert.InRange(result.Chosen.Threshold, 0.5f, 0.51f);
        Assert.Equal(0.01, result.Chosen.FalseAcceptRate, 12);
        Assert.Equal(1.0, result.Chosen.TrueAcceptRate);
        Assert.Equal(1.0, result.BestAccuracy.Accuracy);
        Assert.Equal((20, 100), (result.SamePairs, result.DifferentPairs));
    }

    [Fact]
    public void Too_few_pairs_are_refused_with_the_numbers()
    {
        var distances = Enumerable.Range(0, 30).Select(i => new LabelledDistance(i * 0.1f, i % 3 == 0)).ToList();

        var error = Assert.Throws<CalibrationException>(() => Calibration.Calibrate(distances, 1e-3));

        Assert.Contains("too few photos", error.Message);
        Assert.Contains("10 same-person pairs", error.Message);
        Assert.Contains("20 different-person pairs", error.Message);
        Assert.Contains("1000", error.Message);
    }
}

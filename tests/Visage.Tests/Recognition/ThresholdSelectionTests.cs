using Visage.Recognition;

namespace Visage.Tests.Recognition;

public sealed class ThresholdSelectionTests
{
    private static LabelledDistance Same(float d) => new(d, true);
    private static LabelledDistance Different(float d) => new(d, false);

    [Fact]
    public void Separable_pairs_reach_full_accuracy_with_the_threshold_midway_in_the_gap()
    {
        LabelledDistance[] pairs = [Different(0.9f), Same(0.3f), Different(0.8f), Same(0.2f), Different(1.1f), Same(0.4f)];

        var choice = ThresholdSelection.BestAccuracy(pairs);

        Assert.Equal(1.0, choice.Accuracy);
        Assert.Equal(6, choice.Pairs);
        Assert.Equal(0.6f, choice.Threshold, 1e-6f);
        Assert.Equal(1.0, ThresholdSelection.Accuracy(pairs, choice.Threshold));
    }

    [Fact]
    public void Overlapping_pairs_get_the_best_split_computed_by_hand()
    {
        // Sorted: S .1, S .2, D .3, S .4, S .45, D .5, D .6, S .7, D .8 (4 different, 5 same).
        // Correct calls with the threshold after each: 5, 6, 5, 6, 7, 6, 5, 6, 5 (4 below all),
        // so the best is 7 of 9, between .45 and .5.
        LabelledDistance[] pairs =
        [
            Same(0.7f), Different(0.3f), Same(0.1f), Different(0.8f), Same(0.45f),
            Same(0.4f), Different(0.6f), Same(0.2f), Different(0.5f),
        ];

        var choice = ThresholdSelection.BestAccuracy(pairs);

        Assert.Equal(7.0 / 9, choice.Accuracy, 1e-12);
        Assert.Equal(9, choice.Pairs);
        Assert.Equal(0.475f, choice.Threshold, 1e-6f);
        Assert.Equal(7.0 / 9, ThresholdSelection.Accuracy(pairs, choice.Threshold), 1e-12);
    }

    [Fact]
    public void Equally_good_splits_give_the_best_accuracy_at_either_midpoint()
    {
        // Correct calls: 4 below all, then 5, 6, 5, 6, 5, 4, 5, 4: 6 of 8 after .2 or after .4.
        LabelledDistance[] pairs =
        [
            Same(0.1f), Same(0.2f), Different(0.3f), Same(0.4f),
            Different(0.5f), Different(0.6f), Same(0.7f), Different(0.8f),
        ];

        var choice = ThresholdSelection.BestAccuracy(pairs);

        Assert.Equal(0.75, choice.Accuracy, 1e-12);
        Assert.True(Math.Abs(choice.Threshold - 0.25f) < 1e-6 || Math.Abs(choice.Threshold - 0.45f) < 1e-6,
            $"threshold {choice.Threshold} is not midway in an optimal gap");
        Assert.Equal(0.75, ThresholdSelection.Accuracy(pairs, choice.Threshold), 1e-12);
    }

    [Fact]
    public void Tied_distances_are_never_split()
    {
        // The threshold cannot separate the three 'same' from the three 'different' pairs at .5: a split
        // inside the tie would claim 7 of 7. The best real split is after .3: 5 of 7.
        LabelledDistance[] pairs =
        [
            Same(0.3f), Same(0.5f), Different(0.5f), Same(0.5f), Different(0.5f), Different(0.5f), Different(0.9f),
        ];

        var choice = ThresholdSelection.BestAccuracy(pairs);

        Assert.Equal(5.0 / 7, choice.Accuracy, 1e-12);
        Assert.Equal(0.4f, choice.Threshold, 1e-6f);
        Assert.Equal(5.0 / 7, ThresholdSelection.Accuracy(pairs, choice.Threshold), 1e-12);
    }

    [Fact]
    public void Tied_group_is_taken_whole_when_that_is_best()
    {
        // Counting the whole .5 group as same gains two and loses one: 3 of 4 at the midpoint .7.
        LabelledDistance[] pairs = [Same(0.5f), Different(0.5f), Same(0.5f), Different(0.9f)];

        var choice = ThresholdSelection.BestAccuracy(pairs);

        Assert.Equal(0.75, choice.Accuracy, 1e-12);
        Assert.Equal(0.7f, choice.Threshold, 1e-6f);
    }

    [Fact]
    public void All_same_puts_the_threshold_on_the_largest_distance()
    {
        LabelledDistance[] pairs = [Same(0.4f), Same(0.25f)];

        var choice = ThresholdSelection.BestAccuracy(pairs);

        Assert.Equal(1.0, choice.Accuracy);
        Assert.Equal(0.4f, choice.Threshold);
        Assert.Equal(1.0, ThresholdSelection.Accuracy(pairs, choice.Threshold));
    }

    [Fact]
    public void All_different_puts_the_threshold_below_the_smallest_distance()
    {
        LabelledDistance[] pairs = [Different(0.8f), Different(0.5f), Different(1.2f)];

        var choice = ThresholdSelection.BestAccuracy(pairs);

        Assert.Equal(1.0, choice.Accuracy);
        Assert.True(choice.Threshold < 0.5f);
        Assert.Equal(1.0, ThresholdSelection.Accuracy(pairs, choice.Threshold));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Best_accuracy_agrees_with_trying_every_threshold(int seed)
    {
        var random = new Random(seed);
        // Distances on a coarse grid so that ties occur; none is zero.
        var pairs = Enumerable.Range(0, 40)
            .Select(_ =>
            {
                var same = random.Next(2) == 0;
                var step = same ? random.Next(1, 12) : random.Next(6, 20);
                return new LabelledDistance(step * 0.05f, same);
            })
            .ToArray();

        var choice = ThresholdSelection.BestAccuracy(pairs);

        var candidates = pairs.Select(p => p.Distance).Distinct().Order().ToList();
        var thresholds = candidates.Append(candidates[0] / 2);
        var bestPossible = thresholds.Max(t => ThresholdSelection.Accuracy(pairs, t));
        Assert.Equal(bestPossible, choice.Accuracy, 1e-12);
        Assert.Equal(choice.Accuracy, ThresholdSelection.Accuracy(pairs, choice.Threshold), 1e-12);
        Assert.Equal(pairs.Length, choice.Pairs);
    }

    [Fact]
    public void No_pairs_throws()
    {
        Assert.Throws<ArgumentException>(() => ThresholdSelection.BestAccuracy([]));
    }

    [Fact]
    public void Accuracy_counts_a_distance_equal_to_the_threshold_as_same()
    {
        LabelledDistance[] same = [Same(0.5f)];
        LabelledDistance[] different = [Different(0.5f)];

        Assert.Equal(1.0, ThresholdSelection.Accuracy(same, 0.5f));
        Assert.Equal(0.0, ThresholdSelection.Accuracy(same, MathF.BitDecrement(0.5f)));
        Assert.Equal(0.0, ThresholdSelection.Accuracy(different, 0.5f));
        Assert.Equal(1.0, ThresholdSelection.Accuracy(different, MathF.BitDecrement(0.5f)));
    }

    [Fact]
    public void Accuracy_is_the_fraction_of_correct_calls()
    {
        LabelledDistance[] pairs = [Same(0.2f), Same(0.7f), Different(0.4f), Different(0.9f), Different(0.6f)];

        // At .5: .2 same (right), .7 different (wrong), .4 same (wrong), .9 and .6 different (right).
        Assert.Equal(0.6, ThresholdSelection.Accuracy(pairs, 0.5f), 1e-12);
    }

    [Fact]
    public void Accuracy_of_no_pairs_is_zero()
    {
        Assert.Equal(0.0, ThresholdSelection.Accuracy([], 0.5f));
    }
}

using Visage.Evaluation;

namespace Visage.Tests.Evaluation;

public sealed class FusionSearchTests
{
    /// <summary>
    /// 200 pairs, half same-person. Part A separates them but for a band of overlap; part B carries a
    /// different, weaker signal; both with deterministic noise.
    /// </summary>
    private static (List<IReadOnlyList<float>> Parts, List<bool> Same) Pairs(float scaleB = 1f)
    {
        var random = new Random(7);
        var same = Enumerable.Range(0, 200).Select(i => i % 2 == 0).ToList();
        var a = same.Select(s => (float)((s ? 0.8 : 1.4) + random.NextDouble() * 0.8)).ToList();
        var b = same.Select(s => scaleB * (float)((s ? 0.2 : 0.5) + random.NextDouble() * 0.6)).ToList();
        return ([a, b], same);
    }

    [Fact]
    public void Weights_sum_to_one_and_come_from_a_grid_of_shares()
    {
        var (parts, same) = Pairs();

        var found = FusionSearch.Search(parts, same, 0.05);

        Assert.Equal(1.0, found.Weights.Sum(w => (double)w), 5);
        Assert.All(found.Shares, s => Assert.Equal(0, Math.Round(s / 0.05, 6) % 1));
        Assert.All(found.Shares, s => Assert.True(s >= 0.05));
        Assert.Equal(200, found.TrainPairs);
    }

    [Fact]
    public void The_chosen_mix_is_the_most_accurate_on_the_training_pairs()
    {
        var (parts, same) = Pairs();

        var found = FusionSearch.Search(parts, same, 0.05);

        // No mix of the grid classifies the pairs better (each judged at its own best threshold).
        for (var share = 1; share < 20; share++)
        {
            var shares = new[] { share / 20.0, 1 - share / 20.0 };
            var weights = shares.Select((s, k) => s / found.Spreads[k]).ToArray();
            var total = weights.Sum();
            var fused = FusionSearch.Fuse(parts, same, weights.Select(w => w / total).ToList());
            Assert.True(Visage.Recognition.ThresholdSelection.BestAccuracy(fused).Accuracy <= found.TrainAccuracy);
        }
        var chosen = FusionSearch.Fuse(parts, same, found.Weights.Select(w => (double)w).ToList());
        Assert.Equal(found.TrainAccuracy, Visage.Recognition.ThresholdSelection.BestAccuracy(chosen).Accuracy, 12);
    }

    [Fact]
    public void Standardising_makes_the_mix_independent_of_a_part_scale()
    {
        var (parts, same) = Pairs();
        var (scaledParts, _) = Pairs(scaleB: 100f);

        var plain = FusionSearch.Search(parts, same);
        var scaled = FusionSearch.Search(scaledParts, same);

        Assert.Equal(plain.Shares, scaled.Shares);
        Assert.Equal(plain.TrainAccuracy, scaled.TrainAccuracy);
        // Part B's raw weight shrinks with its scale.
        Assert.Equal(plain.Weights[0] / plain.Weights[1] * 100, scaled.Weights[0] / scaled.Weights[1], 1);
    }

    [Fact]
    public void Three_parts_are_searched_together()
    {
        var (parts, same) = Pairs();
        var random = new Random(11);
        parts.Add(same.Select(_ => (float)random.NextDouble()).ToList());

        var found = FusionSearch.Search(parts, same, 0.1);

        Assert.Equal(3, found.Weights.Count);
        Assert.Equal(1.0, found.Shares.Sum(), 9);
        // The noise part gets the smallest share the grid allows.
        Assert.Equal(0.1, found.Shares[2], 9);
    }

    [Fact]
    public void One_part_or_a_step_that_does_not_divide_one_is_refused()
    {
        var (parts, same) = Pairs();

        Assert.Throws<ArgumentException>(() => FusionSearch.Search([parts[0]], same));
        Assert.Throws<ArgumentException>(() => FusionSearch.Search(parts, same, 0.3));
    }
}

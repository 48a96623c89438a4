using Visage.Recognition;

namespace Visage.Evaluation;

/// <summary>
/// Chooses the weights of a fusion of encoders from training pairs only. A fused encoding's squared distance
/// is the weighted mean of its parts' squared distances (<c>FusedEmbedder</c>), and the parts' distances
/// live on different scales, so each part's squared distances are first divided by their standard deviation
/// over the training pairs; then every mix of the standardised parts on a grid (each share a multiple of
/// <c>step</c>, none zero, summing to 1) is tried, and the mix whose best-accuracy threshold classifies the
/// training pairs best wins. Ties go to the larger area under the ROC curve, then to the earlier mix.
/// </summary>
public static class FusionSearch
{
    public const double DefaultStep = 0.05;

    /// <param name="squaredDistances">For each part, the squared distance between its unit encodings of each pair.</param>
    /// <param name="samePerson">Whether each pair shows one person.</param>
    /// <param name="step">The grid of shares.</param>
    public static FusionWeights Search(IReadOnlyList<IReadOnlyList<float>> squaredDistances,
        IReadOnlyList<bool> samePerson, double step = DefaultStep)
    {
        var parts = squaredDistances.Count;
        if (parts < 2) throw new ArgumentException("a fusion needs at least two parts");
        if (squaredDistances.Any(d => d.Count != samePerson.Count))
            throw new ArgumentException("every part needs a distance for every pair");
        var units = (int)Math.Round(1 / step);
        if (units < parts || Math.Abs(units * step - 1) > 1e-9)
            throw new ArgumentException($"a step of {step} does not divide 1 into at least {parts} shares");

        var spreads = squaredDistances.Select(StandardDeviation).ToArray();
        if (spreads.Any(s => !(s > 0))) throw new ArgumentException("a part's distances do not vary over the pairs");

        FusionWeights? best = null;
        double bestAuc = 0;
        foreach (var mix in Mixes(parts, units))
        {
            var shares = mix.Select(m => m / (double)units).ToArray();
            var weights = Normalise(shares.Select((s, k) => s / spreads[k]).ToArray());
            var fused = Fuse(squaredDistances, samePerson, weights);
            var choice = ThresholdSelection.BestAccuracy(fused);
            if (best is not null && choice.Accuracy < best.TrainAccuracy) continue;
            var auc = new VerificationMetrics(fused).AreaUnderCurve();
            if (best is not null && choice.Accuracy == best.TrainAccuracy && auc <= bestAuc) continue;
            best = new FusionWeights(weights.Select(w => (float)w).ToList(), shares, spreads, choice.Threshold,
                choice.Accuracy, samePerson.Count);
            bestAuc = auc;
        }
        return best!;
    }

    /// <summary>Each pair's fused distance: the square root of the weighted sum of its parts' squared distances.</summary>
    public static List<LabelledDistance> Fuse(IReadOnlyList<IReadOnlyList<float>> squaredDistances,
        IReadOnlyList<bool> samePerson, IReadOnlyList<double> weights)
    {
        var fused = new List<LabelledDistance>(samePerson.Count);
        for (var i = 0; i < samePerson.Count; i++)
        {
            double sum = 0;
            for (var k = 0; k < weights.Count; k++) sum += weights[k] * squaredDistances[k][i];
            fused.Add(new LabelledDistance((float)Math.Sqrt(sum), samePerson[i]));
        }
        return fused;
    }

    /// <summary>Every way to share <paramref name="units"/> among <paramref name="parts"/>, each at least one.</summary>
    private static IEnumerable<int[]> Mixes(int parts, int units)
    {
        if (parts == 1)
        {
            yield return [units];
            yield break;
        }
        for (var first = 1; first <= units - (parts - 1); first++)
            foreach (var rest in Mixes(parts - 1, units - first))
                yield return [first, .. rest];
    }

    private static double[] Normalise(double[] values)
    {
        var total = values.Sum();
        return values.Select(v => v / total).ToArray();
    }

    private static double StandardDeviation(IReadOnlyList<float> values)
    {
        var mean = values.Average(v => (double)v);
        return Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
    }
}

using Visage.Recognition;

namespace Visage.Evaluation;

/// <summary>
/// The LFW protocol: for each fold, choose the best-accuracy threshold on the other folds and measure
/// accuracy on this one; report the mean and standard deviation over folds.
/// </summary>
public static class CrossValidation
{
    public static IReadOnlyList<FoldResult> Run(IReadOnlyList<IReadOnlyList<LabelledDistance>> folds)
    {
        if (folds.Count < 2) throw new ArgumentException("cross-validation needs at least two folds");
        var results = new List<FoldResult>();
        for (var k = 0; k < folds.Count; k++)
        {
            var training = folds.Where((_, i) => i != k).SelectMany(f => f).ToList();
            var choice = ThresholdSelection.BestAccuracy(training);
            results.Add(new FoldResult(k + 1, choice.Threshold,
                ThresholdSelection.Accuracy(folds[k], choice.Threshold), folds[k].Count));
        }
        return results;
    }

    public static (double Mean, double StandardDeviation) Summarise(IReadOnlyList<FoldResult> folds)
    {
        var mean = folds.Average(f => f.Accuracy);
        // Sample standard deviation, as LFW results are reported.
        var variance = folds.Count > 1
            ? folds.Sum(f => (f.Accuracy - mean) * (f.Accuracy - mean)) / (folds.Count - 1)
            : 0;
        return (mean, Math.Sqrt(variance));
    }

    /// <summary>
    /// Splits pairs into folds: by the file's own sets when it has them (pairs.txt: "10 300", each set being
    /// 300 same then 300 different pairs), otherwise into <paramref name="count"/> contiguous, near-equal
    /// folds of each kind, so every fold keeps the file's balance of same and different pairs.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<T>> Split<T>(IReadOnlyList<T> pairs, Func<T, bool> isSame, int count,
        PairFileLayout layout)
    {
        if (layout.Sets is { } sets && layout.PairsPerHalf is { } half && sets * half * 2 == pairs.Count
            && (count == sets))
        {
            return Enumerable.Range(0, sets)
                .Select(s => (IReadOnlyList<T>)pairs.Skip(s * 2 * half).Take(2 * half).ToList())
                .ToList();
        }
        if (count < 2) throw new ArgumentException("cross-validation needs at least two folds");
        var same = pairs.Where(isSame).ToList();
        var different = pairs.Where(p => !isSame(p)).ToList();
        if (same.Count < count || different.Count < count)
            throw new ArgumentException(
                $"{count} folds need at least {count} pairs of each kind ({same.Count} same, {different.Count} different)");
        return Enumerable.Range(0, count)
            .Select(k => (IReadOnlyList<T>)Slice(same, k, count).Concat(Slice(different, k, count)).ToList())
            .ToList();
    }

    private static IEnumerable<T> Slice<T>(List<T> items, int k, int count)
    {
        var start = items.Count * k / count;
        var end = items.Count * (k + 1) / count;
        return items.Skip(start).Take(end - start);
    }
}

namespace Visage.Recognition;

/// <summary>Chooses decision thresholds from labelled distances.</summary>
public static class ThresholdSelection
{
    /// <summary>
    /// The threshold with the highest accuracy under the inclusive rule (same when distance &lt;= threshold).
    /// Every split between two sorted distances is tried; the threshold is placed midway in the gap, the
    /// choice that generalises best when the gap is wide.
    /// </summary>
    public static ThresholdChoice BestAccuracy(IReadOnlyCollection<LabelledDistance> pairs)
    {
        if (pairs.Count == 0) throw new ArgumentException("no pairs to choose a threshold from");
        var sorted = pairs.OrderBy(p => p.Distance).ToArray();
        var totalDifferent = sorted.Count(p => !p.SamePerson);

        // Threshold below every distance: all called different.
        var correct = totalDifferent;
        var best = correct;
        var bestThreshold = MathF.BitDecrement(sorted[0].Distance);
        for (var i = 0; i < sorted.Length; i++)
        {
            correct += sorted[i].SamePerson ? 1 : -1;
            if (i + 1 < sorted.Length && sorted[i + 1].Distance == sorted[i].Distance) continue;
            if (correct <= best) continue;
            best = correct;
            bestThreshold = i + 1 < sorted.Length
                ? Midway(sorted[i].Distance, sorted[i + 1].Distance)
                : sorted[i].Distance;
        }
        return new ThresholdChoice(bestThreshold, (double)best / sorted.Length, sorted.Length);
    }

    /// <summary>Halfway between two distances, but always below the upper one (floats round).</summary>
    private static float Midway(float lower, float upper)
    {
        var middle = lower + (upper - lower) / 2;
        return middle < upper ? middle : lower;
    }

    public static double Accuracy(IEnumerable<LabelledDistance> pairs, float threshold)
    {
        int total = 0, correct = 0;
        foreach (var p in pairs)
        {
            total++;
            if (FaceDistance.IsMatch(p.Distance, threshold) == p.SamePerson) correct++;
        }
        return total == 0 ? 0 : (double)correct / total;
    }
}

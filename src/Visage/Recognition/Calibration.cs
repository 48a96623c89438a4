namespace Visage.Recognition;

/// <summary>
/// Picks the threshold that keeps the false-accept rate at a target, from labelled distances. A rate of
/// 1 in N can only be estimated from many more than N different-person pairs, and a true-accept rate from a
/// reasonable number of same-person pairs; with fewer, calibrating would report noise as a threshold.
/// </summary>
internal static class Calibration
{
    public const int MinimumSamePairs = 20;

    /// <summary>Different-person pairs needed to estimate a false-accept rate of <paramref name="far"/>.</summary>
    public static int MinimumDifferentPairs(double far) => (int)Math.Ceiling(1 / far);

    public static CalibrationResult Calibrate(IReadOnlyList<LabelledDistance> distances, double far)
    {
        if (!(far > 0 && far < 1))
            throw new InvalidSettingException(VisageSetting.FalseAcceptRate,
                $"a false-accept rate between 0 and 1 is needed, not {far}");
        var same = distances.Count(d => d.SamePerson);
        var different = distances.Count - same;
        var neededDifferent = MinimumDifferentPairs(far);
        if (same < MinimumSamePairs || different < neededDifferent)
            throw new CalibrationException(same, different, MinimumSamePairs, neededDifferent,
                $"too few photos for a meaningful estimate: {same} same-person pairs (at least {MinimumSamePairs} needed) " +
                $"and {different} different-person pairs (at least {neededDifferent} needed for a false-accept rate of {far:G3}); " +
                "add photos (several per person, more people) or aim for a larger false-accept rate");
        var metrics = new VerificationMetrics(distances);
        return new CalibrationResult(far, metrics.AtFalseAcceptRate(far), ThresholdSelection.BestAccuracy(distances),
            same, different, distances);
    }

    /// <summary>Every pair of photos: same person within an identity, different across identities.</summary>
    public static IReadOnlyList<LabelledDistance> AllPairs(IReadOnlyList<(string Identity, float[] Embedding)> photos)
    {
        var distances = new List<LabelledDistance>();
        for (var i = 0; i < photos.Count; i++)
        for (var j = i + 1; j < photos.Count; j++)
            distances.Add(new LabelledDistance(FaceDistance.Euclidean(photos[i].Embedding, photos[j].Embedding),
                photos[i].Identity == photos[j].Identity));
        return distances;
    }
}

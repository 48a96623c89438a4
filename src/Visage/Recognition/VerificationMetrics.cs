namespace Visage.Recognition;

/// <summary>
/// Metrics of a verifier from labelled distances, where smaller means more alike and a pair is accepted
/// as the same person when its distance is at most the threshold.
/// </summary>
public sealed class VerificationMetrics
{
    private readonly float[] _same;
    private readonly float[] _different;

    public VerificationMetrics(IReadOnlyCollection<LabelledDistance> pairs)
    {
        _same = pairs.Where(p => p.SamePerson).Select(p => p.Distance).Order().ToArray();
        _different = pairs.Where(p => !p.SamePerson).Select(p => p.Distance).Order().ToArray();
        if (_same.Length == 0 || _different.Length == 0)
            throw new ArgumentException(
                $"metrics need both kinds of pair: {_same.Length} same-person, {_different.Length} different-person");
    }

    public int SamePairs => _same.Length;
    public int DifferentPairs => _different.Length;

    public double TrueAcceptRate(float threshold) => CountAtMost(_same, threshold) / (double)_same.Length;
    public double FalseAcceptRate(float threshold) => CountAtMost(_different, threshold) / (double)_different.Length;

    /// <summary>
    /// Area under the ROC curve: the probability that a random same-person pair is closer than a random
    /// different-person pair, ties counting one half (the Mann-Whitney statistic).
    /// </summary>
    public double AreaUnderCurve()
    {
        double wins = 0;
        foreach (var s in _same)
        {
            var below = CountBelow(_different, s);
            var ties = CountAtMost(_different, s) - below;
            wins += (_different.Length - below - ties) + ties / 2.0;
        }
        return wins / ((double)_same.Length * _different.Length);
    }

    /// <summary>Every distinct threshold's point, from accepting nothing to accepting everything.</summary>
    public IReadOnlyList<RocPoint> RocCurve()
    {
        var thresholds = _same.Concat(_different).Distinct().Order().ToList();
        var points = new List<RocPoint> { new(MathF.BitDecrement(thresholds[0]), 0, 0) };
        points.AddRange(thresholds.Select(t => new RocPoint(t, TrueAcceptRate(t), FalseAcceptRate(t))));
        return points;
    }

    /// <summary>
    /// The equal error rate: where the false-accept rate meets the false-reject rate (1 - TAR). Between two
    /// thresholds where they cross, the two rates are interpolated linearly.
    /// </summary>
    public double EqualErrorRate()
    {
        var curve = RocCurve();
        for (var i = 1; i < curve.Count; i++)
        {
            var (far0, frr0) = (curve[i - 1].FalseAcceptRate, 1 - curve[i - 1].TrueAcceptRate);
            var (far1, frr1) = (curve[i].FalseAcceptRate, 1 - curve[i].TrueAcceptRate);
            if (far1 < frr1) continue;
            // Crossed between i-1 (FAR < FRR) and i (FAR >= FRR).
            var gap0 = frr0 - far0;
            var gap1 = far1 - frr1;
            var t = gap0 + gap1 == 0 ? 0 : gap0 / (gap0 + gap1);
            return far0 + t * (far1 - far0);
        }
        return 0;
    }

    /// <summary>The largest threshold whose false-accept rate is at most the target, and its TAR.</summary>
    public OperatingPoint AtFalseAcceptRate(double target)
    {
        var allowed = (int)Math.Floor(target * _different.Length + 1e-9);
        // At most `allowed` different pairs accepted: stay just below the next one (and below any ties with it).
        float threshold = allowed >= _different.Length
            ? Math.Max(_same[^1], _different[^1])
            : MathF.BitDecrement(_different[allowed]);
        return new OperatingPoint(target, threshold, TrueAcceptRate(threshold), FalseAcceptRate(threshold));
    }

    private static int CountAtMost(float[] sorted, float threshold)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] <= threshold) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static int CountBelow(float[] sorted, float value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}

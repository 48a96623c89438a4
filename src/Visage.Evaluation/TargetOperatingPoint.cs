using Visage.Recognition;

namespace Visage.Evaluation;

/// <summary>
/// The true-accept rate at a target false-accept rate, reported only when the pairs can support it: a rate
/// of 1e-3 measured on 500 different-person pairs is the rate of zero false accepts, whatever the verifier.
/// <see cref="Status"/> is "measured" (the threshold and rates are set) or "not enough pairs" (they are null).
/// </summary>
public sealed record TargetOperatingPoint(
    double TargetFalseAcceptRate,
    string Status,
    int DifferentPairs,
    int DifferentPairsNeeded,
    float? Threshold,
    double? TrueAcceptRate,
    double? FalseAcceptRate)
{
    public const string Measured = "measured";
    public const string NotEnoughPairs = "not enough pairs";

    /// <summary>Different-person pairs needed to report a rate: enough to see three false accepts at it.</summary>
    public static int PairsNeeded(double falseAcceptRate) => (int)Math.Ceiling(3 / falseAcceptRate - 1e-9);

    public static TargetOperatingPoint Of(VerificationMetrics metrics, double falseAcceptRate)
    {
        var needed = PairsNeeded(falseAcceptRate);
        if (metrics.DifferentPairs < needed)
            return new TargetOperatingPoint(falseAcceptRate, NotEnoughPairs, metrics.DifferentPairs, needed, null, null, null);
        var point = metrics.AtFalseAcceptRate(falseAcceptRate);
        return new TargetOperatingPoint(falseAcceptRate, Measured, metrics.DifferentPairs, needed, point.Threshold,
            point.TrueAcceptRate, point.FalseAcceptRate);
    }
}

namespace Visage.Recognition;

/// <summary>
/// A threshold chosen for a target false-accept rate on labelled photos, with what it achieves there and,
/// for comparison, the threshold of best accuracy.
/// </summary>
public sealed record CalibrationResult(
    double TargetFalseAcceptRate,
    OperatingPoint Chosen,
    ThresholdChoice BestAccuracy,
    int SamePairs,
    int DifferentPairs,
    IReadOnlyList<LabelledDistance> Distances);

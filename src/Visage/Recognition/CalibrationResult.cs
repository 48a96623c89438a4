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
    IReadOnlyList<LabelledDistance> Distances)
{
    /// <summary>Photos where no face was detected and the central box was encoded instead (labelled photos only).</summary>
    public IReadOnlyList<string> CentralBoxFallbacks { get; init; } = [];

    /// <summary>How the threshold was chosen, in words, as a gallery keeps it.</summary>
    public string Note { get; init; } = "";
}

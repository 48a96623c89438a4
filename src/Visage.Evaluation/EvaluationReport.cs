using Visage.Recognition;

namespace Visage.Evaluation;

/// <summary>Everything an evaluation measured. Rates are fractions in [0, 1].</summary>
public sealed record EvaluationReport(
    string Model,
    string PairsFile,
    string? TrainFile,
    string Protocol,
    int Pairs,
    int Images,
    IReadOnlyList<string> CentralBoxFallbacks,
    double Accuracy,
    double? AccuracyStandardDeviation,
    float Threshold,
    double? TrainAccuracy,
    IReadOnlyList<FoldResult> Folds,
    double AreaUnderCurve,
    double EqualErrorRate,
    IReadOnlyList<TargetOperatingPoint> OperatingPoints,
    IReadOnlyList<LabelledDistance> Distances,
    IReadOnlyList<RocPoint> Roc);

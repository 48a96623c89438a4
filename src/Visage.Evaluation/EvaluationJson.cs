using Visage.Recognition;

namespace Visage.Evaluation;

/// <summary>
/// What <c>evaluate --json</c> prints: the report without its per-pair distances and ROC points (those go to
/// the report folder's report.json).
/// </summary>
public sealed record EvaluationJson(
    string Model,
    string Fingerprint,
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
    IReadOnlyList<TargetOperatingPoint> OperatingPoints)
{
    public static EvaluationJson From(EvaluationReport r, string fingerprint) => new(r.Model, fingerprint, r.PairsFile,
        r.TrainFile, r.Protocol, r.Pairs, r.Images, r.CentralBoxFallbacks, r.Accuracy, r.AccuracyStandardDeviation,
        r.Threshold, r.TrainAccuracy, r.Folds, r.AreaUnderCurve, r.EqualErrorRate, r.OperatingPoints);
}

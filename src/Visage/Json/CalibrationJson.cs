using Visage.Recognition;

namespace Visage.Json;

/// <summary>
/// A calibration stored in a gallery: <c>{"gallery","model","fingerprint","threshold","targetFalseAcceptRate",
/// "trueAcceptRate","falseAcceptRate","bestAccuracyThreshold","bestAccuracy","samePairs","differentPairs",
/// "centralBoxFallbacks","plot"}</c>; <c>threshold</c> is the one identification now uses.
/// </summary>
public sealed record CalibrationJson(string Gallery, string Model, string Fingerprint, ThresholdJson Threshold,
    double TargetFalseAcceptRate, double TrueAcceptRate, double FalseAcceptRate, float BestAccuracyThreshold,
    double BestAccuracy, int SamePairs, int DifferentPairs, IReadOnlyList<string> CentralBoxFallbacks, string? Plot)
{
    public static CalibrationJson From(string gallery, PipelineFingerprint pipeline, DecisionThreshold threshold,
        CalibrationResult c, string? plot) => new(gallery, pipeline.ModelId, pipeline.Id, ThresholdJson.From(threshold),
        c.TargetFalseAcceptRate, c.Chosen.TrueAcceptRate, c.Chosen.FalseAcceptRate, c.BestAccuracy.Threshold,
        c.BestAccuracy.Accuracy, c.SamePairs, c.DifferentPairs, c.CentralBoxFallbacks, plot);
}

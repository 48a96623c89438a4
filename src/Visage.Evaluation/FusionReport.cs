namespace Visage.Evaluation;

/// <summary>A fusion measured: its parts (model ids, in order), the weights found on the training pairs, and the evaluation of the fused distances.</summary>
public sealed record FusionReport(IReadOnlyList<string> Parts, FusionWeights Weights, EvaluationReport Evaluation);

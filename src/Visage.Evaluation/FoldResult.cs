using Visage.Recognition;

namespace Visage.Evaluation;

/// <summary>One fold of a cross-validation: the threshold chosen on the other folds and the accuracy on this one.</summary>
public sealed record FoldResult(int Fold, float Threshold, double Accuracy, int Pairs);

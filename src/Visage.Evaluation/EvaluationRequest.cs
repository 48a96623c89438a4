using Visage.Recognition;

namespace Visage.Evaluation;

/// <summary>
/// What to evaluate: the pairs to measure on, where their images are, and either the pairs to choose the
/// threshold on (<see cref="TrainFile"/>) or the number of folds of a cross-validation.
/// </summary>
public sealed record EvaluationRequest(string PairsFile, string ImagesFolder, string? TrainFile = null, int Folds = 10);

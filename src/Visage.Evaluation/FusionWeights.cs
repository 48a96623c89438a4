namespace Visage.Evaluation;

/// <summary>
/// What a fusion search found: each part's <see cref="Weights"/> (its share of the fused squared distance,
/// summing to 1, as a pack's embedders take them), the grid <see cref="Shares"/> of the standardised parts
/// they come from, each part's <see cref="Spreads"/> (standard deviation of its squared distances), and the
/// best-accuracy threshold with its accuracy on the training pairs.
/// </summary>
public sealed record FusionWeights(
    IReadOnlyList<float> Weights,
    IReadOnlyList<double> Shares,
    IReadOnlyList<double> Spreads,
    float Threshold,
    double TrainAccuracy,
    int TrainPairs);

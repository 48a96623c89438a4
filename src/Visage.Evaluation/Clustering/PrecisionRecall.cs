namespace Visage.Evaluation.Clustering;

/// <summary>A precision and a recall, each in [0, 1], and their harmonic mean.</summary>
internal sealed record PrecisionRecall(double Precision, double Recall)
{
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}

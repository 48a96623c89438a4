using System.Numerics.Tensors;

namespace Visage.Recognition;

/// <summary>
/// The seed's triplet loss: over a batch of (anchor, positive, negative) encodings,
/// sum of max(|a - p|^2 - |a - n|^2 + alpha, 0). It pulls an anchor towards a photo of the same person
/// and pushes it from a photo of someone else until the two differ by at least alpha.
/// </summary>
/// <remarks>
/// The article's snippet assigns the same tensor to anchor, positive and negative, so both squared
/// distances are zero and every term is max(0 - 0 + alpha, 0) = alpha: the loss is alpha times the batch
/// size whatever the network does, and no gradient flows. The three must be different encodings.
/// </remarks>
public static class TripletLoss
{
    public const float DefaultAlpha = 0.3f;

    /// <summary>
    /// The loss of a batch stored row by row: <paramref name="anchors"/>, <paramref name="positives"/> and
    /// <paramref name="negatives"/> each hold <c>batch x dimensions</c> numbers.
    /// </summary>
    public static float Compute(ReadOnlySpan<float> anchors, ReadOnlySpan<float> positives,
        ReadOnlySpan<float> negatives, int dimensions, float alpha = DefaultAlpha)
    {
        if (dimensions <= 0) throw new ArgumentOutOfRangeException(nameof(dimensions));
        if (anchors.Length != positives.Length || anchors.Length != negatives.Length)
            throw new ArgumentException(
                $"anchors, positives and negatives differ in size ({anchors.Length}, {positives.Length}, {negatives.Length})");
        if (anchors.Length % dimensions != 0)
            throw new ArgumentException($"{anchors.Length} numbers are not a whole number of {dimensions}-d encodings");

        var batch = anchors.Length / dimensions;
        var toPositiveBuffer = new float[anchors.Length];
        var toNegativeBuffer = new float[anchors.Length];
        TensorPrimitives.Subtract(anchors, positives, toPositiveBuffer);
        TensorPrimitives.Subtract(anchors, negatives, toNegativeBuffer);

        var terms = new float[batch];
        for (var i = 0; i < batch; i++)
        {
            var p = toPositiveBuffer.AsSpan(i * dimensions, dimensions);
            var n = toNegativeBuffer.AsSpan(i * dimensions, dimensions);
            terms[i] = TensorPrimitives.SumOfSquares(p) - TensorPrimitives.SumOfSquares(n) + alpha;
        }
        TensorPrimitives.Max(terms, 0f, terms);
        return TensorPrimitives.Sum(terms);
    }

    /// <summary>The loss of triplets given one encoding at a time.</summary>
    public static float Compute(IReadOnlyList<(float[] Anchor, float[] Positive, float[] Negative)> triplets,
        float alpha = DefaultAlpha)
    {
        if (triplets.Count == 0) return 0;
        var dimensions = triplets[0].Anchor.Length;
        return Compute(
            triplets.SelectMany(t => t.Anchor).ToArray(),
            triplets.SelectMany(t => t.Positive).ToArray(),
            triplets.SelectMany(t => t.Negative).ToArray(),
            dimensions, alpha);
    }
}

using System.Collections.Concurrent;

namespace Visage.Detection;

/// <summary>
/// UltraFace's prior boxes and decode, as its graph had them: per feature map (stride <see cref="Strides"/>), at
/// the centre of every cell, one square anchor of each size in <see cref="Sizes"/> (input pixels). The cells
/// divide the input evenly (centre (i + 0.5) / cells), sizes are fractions of the input's sides clipped to
/// [0, 1]. A box regression (dx, dy, dw, dh) moves its prior's centre by dx * centre variance * the prior's
/// width and scales its size by exp(dw * size variance).
/// </summary>
internal sealed class UltraFaceAnchors(float centreVariance, float sizeVariance, int[] strides, float[][] sizes)
{
    private readonly ConcurrentDictionary<(int, int), IReadOnlyList<Prior>> _priors = new();

    public float CentreVariance { get; } = centreVariance;
    public float SizeVariance { get; } = sizeVariance;
    public IReadOnlyList<int> Strides { get; } = strides;
    public IReadOnlyList<float[]> Sizes { get; } = sizes;

    /// <summary>A prior box: centre and size as fractions of the input.</summary>
    public readonly record struct Prior(float CentreX, float CentreY, float Width, float Height);

    /// <summary>Every prior for an input of this size, in the order of the heads' outputs (map, row, column, anchor).</summary>
    public IReadOnlyList<Prior> Priors(int inputWidth, int inputHeight) =>
        _priors.GetOrAdd((inputWidth, inputHeight), _ => Generate(inputWidth, inputHeight));

    private Prior[] Generate(int width, int height)
    {
        var priors = new List<Prior>();
        for (var m = 0; m < Strides.Count; m++)
        {
            int columns = UltraFaceGraph.Cells(width, Strides[m]), rows = UltraFaceGraph.Cells(height, Strides[m]);
            for (var y = 0; y < rows; y++)
                for (var x = 0; x < columns; x++)
                    foreach (var size in Sizes[m])
                        priors.Add(new Prior(
                            Math.Clamp((x + 0.5f) / columns, 0f, 1f), Math.Clamp((y + 0.5f) / rows, 0f, 1f),
                            Math.Clamp(size / width, 0f, 1f), Math.Clamp(size / height, 0f, 1f)));
        }
        return [.. priors];
    }

    /// <summary>
    /// The faces scoring at least <paramref name="threshold"/>, corners in image pixels (the input spans the
    /// whole <paramref name="imageWidth"/> x <paramref name="imageHeight"/> image), before clipping and NMS.
    /// <paramref name="heads"/>: each map's class logits (anchors x 2 channels of rows x columns) for all maps,
    /// then each map's box regressions (anchors x 4 channels).
    /// </summary>
    public List<DetectedFace> Decode(float[][] heads, int inputWidth, int inputHeight, float threshold,
        float imageWidth, float imageHeight)
    {
        var priors = Priors(inputWidth, inputHeight);
        var maps = Strides.Count;
        if (heads.Length != 2 * maps) throw new ArgumentException($"expected {2 * maps} head outputs, got {heads.Length}");
        // softmax(l0, l1)[1] = sigmoid(l1 - l0) >= threshold exactly when l1 - l0 >= logit(threshold).
        var margin = threshold <= 0f ? float.NegativeInfinity : threshold >= 1f ? float.PositiveInfinity
            : MathF.Log(threshold / (1f - threshold));
        var found = new List<DetectedFace>();
        var first = 0;
        for (var m = 0; m < maps; m++)
        {
            var anchors = Sizes[m].Length;
            var cells = UltraFaceGraph.Cells(inputWidth, Strides[m]) * UltraFaceGraph.Cells(inputHeight, Strides[m]);
            var logits = heads[m];
            var regressions = heads[maps + m];
            if (logits.Length != cells * anchors * 2 || regressions.Length != cells * anchors * 4)
                throw new ArgumentException($"map {m}: heads of {logits.Length} and {regressions.Length} values do not fit {cells} cells");
            // Prior order (cell, then anchor), as the graph laid them out: NMS then sees ties in the same order.
            for (var c = 0; c < cells; c++)
            {
                for (var a = 0; a < anchors; a++)
                {
                    var difference = logits[(2 * a + 1) * cells + c] - logits[2 * a * cells + c];
                    if (!(difference >= margin)) continue;
                    var score = 1f / (1f + MathF.Exp(-difference));
                    if (score < threshold) continue;
                    var prior = priors[first + c * anchors + a];
                    var at = 4 * a * cells + c;
                    var centreX = prior.CentreX + regressions[at] * CentreVariance * prior.Width;
                    var centreY = prior.CentreY + regressions[at + cells] * CentreVariance * prior.Height;
                    var halfWidth = MathF.Exp(regressions[at + 2 * cells] * SizeVariance) * prior.Width / 2f;
                    var halfHeight = MathF.Exp(regressions[at + 3 * cells] * SizeVariance) * prior.Height / 2f;
                    found.Add(new DetectedFace(FaceBox.FromCorners(
                        (centreX - halfWidth) * imageWidth, (centreY - halfHeight) * imageHeight,
                        (centreX + halfWidth) * imageWidth, (centreY + halfHeight) * imageHeight), score));
                }
            }
            first += cells * anchors;
        }
        return found;
    }
}

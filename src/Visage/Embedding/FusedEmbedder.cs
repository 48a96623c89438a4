using OpenCvSharp;
using Visage.Alignment;

namespace Visage.Embedding;

/// <summary>
/// Several embedders as one: each face's unit-length encodings, the i-th scaled by sqrt(w_i / sum w), laid
/// end to end. The result has unit length and its squared distance is the weighted mean of the parts'
/// squared distances, so the parts' weights must account for their different distance scales.
/// </summary>
internal sealed class FusedEmbedder : IFaceEmbedder
{
    private readonly IReadOnlyList<(IFaceEmbedder Embedder, float Scale)> _parts;

    /// <param name="parts">The embedders and their weights.</param>
    /// <param name="modelId">The id of the fused encoding space; by default one built from the parts.</param>
    public FusedEmbedder(IReadOnlyList<(IFaceEmbedder Embedder, float Weight)> parts, string? modelId = null)
    {
        if (parts.Count == 0) throw new ArgumentException("a fusion needs at least one embedder");
        if (parts.Any(p => !(p.Weight > 0)))
            throw new ArgumentException("every fused embedder needs a positive weight");
        var total = parts.Sum(p => p.Weight);
        _parts = parts.Select(p => (p.Embedder, MathF.Sqrt(p.Weight / total))).ToList();
        ModelId = modelId ?? "fused(" + string.Join("+", parts.Select(p => $"{p.Embedder.ModelId}*{p.Weight:0.####}")) + ")";
    }

    public string ModelId { get; }
    public int Dimensions => _parts.Sum(p => p.Embedder.Dimensions);
    public bool UsesLandmarks => _parts.Any(p => p.Embedder.UsesLandmarks);

    public IReadOnlyList<float[]> Embed(Mat bgrImage, IReadOnlyList<LocatedFace> faces)
    {
        var encodings = faces.Select(_ => new float[Dimensions]).ToArray();
        var offset = 0;
        foreach (var (embedder, scale) in _parts)
        {
            var part = embedder.Embed(bgrImage, faces);
            for (var f = 0; f < faces.Count; f++)
            for (var i = 0; i < embedder.Dimensions; i++)
                encodings[f][offset + i] = part[f][i] * scale;
            offset += embedder.Dimensions;
        }
        return encodings;
    }

    public void Dispose()
    {
        foreach (var (embedder, _) in _parts) embedder.Dispose();
    }
}

using System.Numerics.Tensors;
using OpenCvSharp;
using Visage.Alignment;

namespace Visage.Embedding;

/// <summary>
/// Several embedders as one: each face's unit-length encodings, the i-th scaled by sqrt(w_i / sum w), laid
/// end to end. The result has unit length and its squared distance is the weighted mean of the parts'
/// squared distances, so the parts' weights must account for their different distance scales.
/// </summary>
internal sealed class FusedEmbedder : IStagedEmbedder
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

    internal IEnumerable<IFaceEmbedder> Parts => _parts.Select(p => p.Embedder);

    public IReadOnlyList<float[]> Embed(Mat bgrImage, IReadOnlyList<LocatedFace> faces) =>
        Fuse(faces.Count, _parts.Select(p => p.Embedder.Embed(bgrImage, faces)).ToList());

    PreparedFaces IStagedEmbedder.Prepare(Mat bgrImage, IReadOnlyList<LocatedFace> faces)
    {
        if (faces.Count == 0) return new PreparedFaces(0, []);
        var inputs = new List<float[]>();
        foreach (var (embedder, _) in _parts)
        {
            var prepared = Staged(embedder).Prepare(bgrImage, faces);
            if (prepared.Inputs.Count != 1)
                throw new InvalidOperationException($"{embedder.ModelId}: a fused part prepares one input, not {prepared.Inputs.Count}");
            inputs.Add(prepared.Inputs[0]);
        }
        return new PreparedFaces(faces.Count, inputs);
    }

    IReadOnlyList<float[]> IStagedEmbedder.Encode(PreparedFaces faces) => faces.Count == 0
        ? []
        : Fuse(faces.Count, _parts.Select((p, i) => Staged(p.Embedder).Encode(new PreparedFaces(faces.Count, [faces.Inputs[i]]))).ToList());

    private IReadOnlyList<float[]> Fuse(int faces, IReadOnlyList<IReadOnlyList<float[]>> partEncodings)
    {
        var encodings = new float[faces][];
        for (var f = 0; f < faces; f++)
        {
            var fused = encodings[f] = new float[Dimensions];
            var offset = 0;
            for (var p = 0; p < _parts.Count; p++)
            {
                var (embedder, scale) = _parts[p];
                TensorPrimitives.Multiply(partEncodings[p][f], scale, fused.AsSpan(offset, embedder.Dimensions));
                offset += embedder.Dimensions;
            }
        }
        return encodings;
    }

    private static IStagedEmbedder Staged(IFaceEmbedder embedder) =>
        embedder as IStagedEmbedder
        ?? throw new InvalidOperationException($"{embedder.ModelId} cannot prepare faces apart from encoding them");

    public void Dispose()
    {
        foreach (var (embedder, _) in _parts) embedder.Dispose();
    }
}

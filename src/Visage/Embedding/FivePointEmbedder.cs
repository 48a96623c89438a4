using OpenCvSharp;
using Visage.Alignment;
using Visage.Models;

namespace Visage.Embedding;

/// <summary>An embedder trained on faces aligned to a five-point template (ArcFace-style).</summary>
public sealed class FivePointEmbedder(string modelId, EmbeddingNetwork network, AlignmentTemplate template)
    : IFaceEmbedder
{
    public string ModelId { get; } = modelId;
    public int Dimensions => network.Spec.EmbeddingSize;
    public bool UsesLandmarks => true;

    public IReadOnlyList<float[]> Embed(Mat bgrImage, IReadOnlyList<LocatedFace> faces)
    {
        var crops = faces.Select(f => FaceAligner.Align(bgrImage,
            (f.Landmarks ?? throw new ArgumentException("this embedder aligns faces by their landmarks")).FivePoints(),
            template)).ToList();
        try
        {
            return network.Run(crops);
        }
        finally
        {
            foreach (var crop in crops) crop.Dispose();
        }
    }

    public void Dispose() => network.Dispose();
}

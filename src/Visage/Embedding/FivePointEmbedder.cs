using System.Numerics.Tensors;
using OpenCvSharp;
using Visage.Alignment;

namespace Visage.Embedding;

/// <summary>
/// An embedder trained on faces aligned to a five-point template (ArcFace-style). With
/// <paramref name="flipAverage"/> each face is also encoded mirrored and the two encodings averaged.
/// </summary>
internal sealed class FivePointEmbedder(string modelId, EmbeddingNetwork network, AlignmentTemplate template,
    bool flipAverage = false) : IFaceEmbedder
{
    public string ModelId { get; } = flipAverage ? $"{modelId}-flip" : modelId;
    public int Dimensions => network.Spec.EmbeddingSize;
    public bool UsesLandmarks => true;

    public IReadOnlyList<float[]> Embed(Mat bgrImage, IReadOnlyList<LocatedFace> faces)
    {
        var crops = faces.Select(f => FaceAligner.Align(bgrImage,
            (f.Landmarks ?? throw new ArgumentException("this embedder aligns faces by their landmarks")).FivePoints(),
            template)).ToList();
        if (flipAverage)
        {
            crops.AddRange(crops.Select(c =>
            {
                var mirrored = new Mat();
                Cv2.Flip(c, mirrored, FlipMode.Y);
                return mirrored;
            }).ToList());
        }
        try
        {
            var encodings = network.Run(crops);
            if (!flipAverage) return encodings;
            return Enumerable.Range(0, faces.Count).Select(i =>
            {
                var mean = new float[Dimensions];
                TensorPrimitives.Add(encodings[i], encodings[i + faces.Count], mean);
                TensorPrimitives.Divide(mean, TensorPrimitives.Norm(mean), mean);
                return mean;
            }).ToList();
        }
        finally
        {
            foreach (var crop in crops) crop.Dispose();
        }
    }

    public void Dispose() => network.Dispose();
}

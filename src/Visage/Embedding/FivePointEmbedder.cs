using System.Numerics.Tensors;
using OpenCvSharp;
using Visage.Alignment;

namespace Visage.Embedding;

/// <summary>
/// An embedder trained on faces aligned to a five-point template (ArcFace-style). With
/// <paramref name="flipAverage"/> each face is also encoded mirrored and the two encodings averaged.
/// </summary>
internal sealed class FivePointEmbedder(string modelId, EmbeddingNetwork network, AlignmentTemplate template,
    bool flipAverage = false) : IStagedEmbedder
{
    public string ModelId { get; } = flipAverage ? $"{modelId}-flip" : modelId;
    public int Dimensions => network.Spec.EmbeddingSize;
    public bool UsesLandmarks => true;

    internal EmbeddingNetwork Network => network;

    public IReadOnlyList<float[]> Embed(Mat bgrImage, IReadOnlyList<LocatedFace> faces) =>
        faces.Count == 0 ? [] : Encode(Prepare(bgrImage, faces));

    PreparedFaces IStagedEmbedder.Prepare(Mat bgrImage, IReadOnlyList<LocatedFace> faces) => Prepare(bgrImage, faces);

    IReadOnlyList<float[]> IStagedEmbedder.Encode(PreparedFaces faces) => Encode(faces);

    internal PreparedFaces Prepare(Mat bgrImage, IReadOnlyList<LocatedFace> faces)
    {
        var crops = faces.Select(f => FaceAligner.Align(bgrImage,
            (f.Landmarks ?? throw new ArgumentException("this embedder aligns faces by their landmarks")).FivePoints(),
            template)).ToList();
        try
        {
            if (flipAverage)
            {
                crops.AddRange(crops.Select(c =>
                {
                    var mirrored = new Mat();
                    Cv2.Flip(c, mirrored, FlipMode.Y);
                    return mirrored;
                }).ToList());
            }
            return new PreparedFaces(faces.Count, crops.Count == 0 ? [] : [network.Blob(crops)]);
        }
        finally
        {
            foreach (var crop in crops) crop.Dispose();
        }
    }

    internal IReadOnlyList<float[]> Encode(PreparedFaces faces)
    {
        if (faces.Count == 0) return [];
        var encodings = network.Run(faces.Inputs[0], flipAverage ? 2 * faces.Count : faces.Count);
        if (!flipAverage) return encodings;
        return Enumerable.Range(0, faces.Count).Select(i =>
        {
            var mean = new float[Dimensions];
            TensorPrimitives.Add(encodings[i], encodings[i + faces.Count], mean);
            TensorPrimitives.Divide(mean, TensorPrimitives.Norm(mean), mean);
            return mean;
        }).ToList();
    }

    public void Dispose() => network.Dispose();
}

using OpenCvSharp;
using Visage.Alignment;

namespace Visage.Embedding;

/// <summary>
/// An embedder whose work splits in two: preparing faces (cropping and aligning each as its network was
/// trained, laid out as the network's input) and encoding them (running the network). <c>Embed</c> is the
/// one after the other; the split lets a benchmark time the two stages apart.
/// </summary>
internal interface IStagedEmbedder : IFaceEmbedder
{
    PreparedFaces Prepare(Mat bgrImage, IReadOnlyList<LocatedFace> faces);

    /// <summary>One unit-length encoding per prepared face.</summary>
    IReadOnlyList<float[]> Encode(PreparedFaces faces);
}

/// <summary>
/// Faces ready for an embedder's networks: one input tensor per network (channels first, all faces of the
/// photo, mirrored ones included where the embedder averages them).
/// </summary>
internal sealed record PreparedFaces(int Count, IReadOnlyList<float[]> Inputs);

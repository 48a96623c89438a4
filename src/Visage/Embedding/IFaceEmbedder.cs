using OpenCvSharp;
using Visage.Alignment;

namespace Visage.Embedding;

/// <summary>
/// Maps faces to unit-length encodings whose Euclidean distance says how alike two faces are.
/// Each embedder crops and aligns faces the way its network was trained.
/// </summary>
internal interface IFaceEmbedder : IDisposable
{
    /// <summary>Names the encoding space: encodings are comparable only under the same id.</summary>
    string ModelId { get; }

    int Dimensions { get; }

    /// <summary>Whether <see cref="Embed"/> needs each face's landmarks (to align it).</summary>
    bool UsesLandmarks { get; }

    IReadOnlyList<float[]> Embed(Mat bgrImage, IReadOnlyList<LocatedFace> faces);
}

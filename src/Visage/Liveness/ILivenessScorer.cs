using OpenCvSharp;
using Visage.Detection;

namespace Visage.Liveness;

/// <summary>
/// Scores how likely each face is of a live person in front of the camera rather than a photo, a screen or
/// a mask: 0 to 1, higher is more live. A face passes when its score is at least <see cref="Threshold"/>.
/// </summary>
internal interface ILivenessScorer : IDisposable
{
    /// <summary>The model's name, as the catalogue lists it.</summary>
    string ModelId { get; }

    float Threshold { get; }

    IReadOnlyList<float> Score(Mat bgrImage, IReadOnlyList<FaceBox> faces);
}

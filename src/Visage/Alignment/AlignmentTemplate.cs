using OpenCvSharp;

namespace Visage.Alignment;

/// <summary>Where the five alignment points (eyes, nose tip, mouth corners) go in a square crop.</summary>
internal sealed record AlignmentTemplate(int Size, IReadOnlyList<Point2f> Points)
{
    /// <summary>The 112x112 five-point template of ArcFace-style embedders.</summary>
    public static AlignmentTemplate ArcFace112 { get; } = new(112,
    [
        new Point2f(38.2946f, 51.6963f),
        new Point2f(73.5318f, 51.5014f),
        new Point2f(56.0252f, 71.7366f),
        new Point2f(41.5493f, 92.3655f),
        new Point2f(70.7299f, 92.2041f),
    ]);
}

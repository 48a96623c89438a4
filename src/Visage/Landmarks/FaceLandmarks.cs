using OpenCvSharp;

namespace Visage.Landmarks;

/// <summary>
/// The 68 points of the iBUG 300-W scheme, in image pixels: jaw 0-16, brows 17-26, nose 27-35,
/// eyes 36-47 (the subject's right eye first), mouth 48-67.
/// </summary>
public sealed record FaceLandmarks(IReadOnlyList<Point2f> Points)
{
    public const int Count = 68;

    /// <summary>
    /// The five points alignment templates use: eye centres, nose tip, mouth corners, in image order
    /// (left of the picture first). Each eye centre is the mean of its six contour points; each mouth
    /// corner the mean of the outer and inner lip corner, which sits where 5-point detectors put it.
    /// </summary>
    public Point2f[] FivePoints() =>
    [
        Mean(36, 37, 38, 39, 40, 41),
        Mean(42, 43, 44, 45, 46, 47),
        Points[30],
        Mean(48, 60),
        Mean(54, 64),
    ];

    private Point2f Mean(params int[] indices)
    {
        float x = 0, y = 0;
        foreach (var i in indices)
        {
            x += Points[i].X;
            y += Points[i].Y;
        }
        return new Point2f(x / indices.Length, y / indices.Length);
    }
}

using OpenCvSharp;

namespace Visage.Landmarks;

/// <summary>
/// The 68 points of the iBUG 300-W scheme, in image pixels: jaw 0-16, brows 17-26, nose 27-35,
/// eyes 36-47 (the subject's right eye first), mouth 48-67. A detector that places its own points
/// (BlazeFace) gives four instead (<see cref="KeypointCount"/>): the eyes in image order, nose tip, mouth centre.
/// </summary>
public sealed record FaceLandmarks(IReadOnlyList<Point2f> Points)
{
    public const int Count = 68;

    /// <summary>How many points a detector's own landmarks hold: eyes (image order), nose tip, mouth centre.</summary>
    public const int KeypointCount = 4;

    /// <summary>A detector's own points: eyes in image order, nose tip, mouth centre.</summary>
    public static FaceLandmarks FromKeypoints(Point2f leftEye, Point2f rightEye, Point2f noseTip, Point2f mouthCentre) =>
        new([leftEye, rightEye, noseTip, mouthCentre]);

    /// <summary>Whether these are a detector's four points rather than the 68.</summary>
    public bool AreKeypoints => Points.Count == KeypointCount;

    /// <summary>
    /// The five points alignment templates use: eye centres, nose tip, mouth corners, in image order
    /// (left of the picture first). Each eye centre is the mean of its six contour points; each mouth
    /// corner the mean of the outer and inner lip corner, which sits where 5-point detectors put it.
    /// A detector's four points give the mouth centre for both corners: a least-squares fit onto a template
    /// then takes the mouth centre onto the mean of the template's corners (counted twice).
    /// </summary>
    public Point2f[] FivePoints() => AreKeypoints ? [Points[0], Points[1], Points[2], Points[3], Points[3]] :
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

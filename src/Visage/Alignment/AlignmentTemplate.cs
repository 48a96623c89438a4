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

    /// <summary>
    /// This template for a crop of <paramref name="size"/> pixels, its points drawn towards the centre by
    /// <paramref name="scale"/> (1 keeps the layout; 0.8 leaves a wider margin of head and background).
    /// </summary>
    public AlignmentTemplate Resized(int size, float scale = 1f)
    {
        if (size == Size && scale == 1f) return this;
        var ratio = size / (float)Size;
        var centre = Size / 2f;
        return new AlignmentTemplate(size, Points
            .Select(p => new Point2f((centre + (p.X - centre) * scale) * ratio, (centre + (p.Y - centre) * scale) * ratio))
            .ToList());
    }
}

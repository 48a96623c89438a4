using OpenCvSharp;

namespace Visage.Detection;

/// <summary>A face's rectangle in image pixels: top-left corner, width and height.</summary>
public readonly record struct FaceBox(float X, float Y, float Width, float Height)
{
    public float Right => X + Width;
    public float Bottom => Y + Height;
    public float Area => Math.Max(0, Width) * Math.Max(0, Height);
    public Point2f Center => new(X + Width / 2, Y + Height / 2);

    public static FaceBox FromCorners(float x1, float y1, float x2, float y2) => new(x1, y1, x2 - x1, y2 - y1);

    public float IntersectionOverUnion(FaceBox other)
    {
        var w = Math.Min(Right, other.Right) - Math.Max(X, other.X);
        var h = Math.Min(Bottom, other.Bottom) - Math.Max(Y, other.Y);
        if (w <= 0 || h <= 0) return 0;
        var intersection = w * h;
        return intersection / (Area + other.Area - intersection);
    }

    /// <summary>The part of the box inside an image of the given size.</summary>
    public FaceBox ClipTo(int imageWidth, int imageHeight)
    {
        var x1 = Math.Clamp(X, 0, imageWidth);
        var y1 = Math.Clamp(Y, 0, imageHeight);
        var x2 = Math.Clamp(Right, 0, imageWidth);
        var y2 = Math.Clamp(Bottom, 0, imageHeight);
        return FromCorners(x1, y1, x2, y2);
    }

    public override string ToString() => $"({X:0},{Y:0}) {Width:0}x{Height:0}";
}

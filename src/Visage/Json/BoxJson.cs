using Visage.Detection;

namespace Visage.Json;

/// <summary>A face's box in image pixels: <c>{"x","y","width","height"}</c>, to a tenth of a pixel.</summary>
public sealed record BoxJson(float X, float Y, float Width, float Height)
{
    public static BoxJson From(FaceBox box) => new(MathF.Round(box.X, 1), MathF.Round(box.Y, 1),
        MathF.Round(box.Width, 1), MathF.Round(box.Height, 1));
}

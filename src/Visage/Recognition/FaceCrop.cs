using OpenCvSharp;
using Visage.Detection;

namespace Visage.Recognition;

/// <summary>
/// A small JPEG of a face for people to look at (a thumbnail in a list, a strip of a cluster): the box grown
/// by a quarter on each side, made square, clipped to the image, at most <c>size</c> pixels across.
/// </summary>
internal static class FaceCrop
{
    public const int DefaultSize = 160;

    public static byte[] Encode(Mat bgrImage, FaceBox box, int size = DefaultSize)
    {
        var side = Math.Max(box.Width, box.Height) * 1.5f;
        var centre = box.Center;
        var square = new FaceBox(centre.X - side / 2, centre.Y - side / 2, side, side).ClipTo(bgrImage.Width, bgrImage.Height);
        var rect = new Rect((int)square.X, (int)square.Y, Math.Max(1, (int)square.Width), Math.Max(1, (int)square.Height));
        rect = rect.Intersect(new Rect(0, 0, bgrImage.Width, bgrImage.Height));
        if (rect.Width <= 0 || rect.Height <= 0) rect = new Rect(0, 0, bgrImage.Width, bgrImage.Height);
        using var region = new Mat(bgrImage, rect);
        var scale = Math.Min(1.0, size / (double)Math.Max(rect.Width, rect.Height));
        using var resized = new Mat();
        if (scale < 1)
            Cv2.Resize(region, resized, new Size(Math.Max(1, (int)Math.Round(rect.Width * scale)),
                Math.Max(1, (int)Math.Round(rect.Height * scale))), interpolation: InterpolationFlags.Area);
        else
            region.CopyTo(resized);
        return resized.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 85));
    }
}

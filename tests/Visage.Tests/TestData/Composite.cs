using OpenCvSharp;

namespace Visage.Tests.TestData;

/// <summary>Photos made from other photos.</summary>
internal static class Composite
{
    /// <summary>Writes the two photos side by side, left then right, as one image (the format follows the extension).</summary>
    public static string SideBySide(string left, string right, string output)
    {
        using var leftImage = Cv2.ImRead(left);
        using var rightImage = Cv2.ImRead(right);
        if (leftImage.Empty() || rightImage.Empty())
            throw new InvalidOperationException($"cannot read {left} or {right}");
        using var both = new Mat();
        Cv2.HConcat([leftImage, rightImage], both);
        if (!Cv2.ImWrite(output, both))
            throw new InvalidOperationException($"cannot write {output}");
        return output;
    }

    /// <summary>A plain grey picture: an image with no face in it.</summary>
    public static string Grey(string output, int width = 300, int height = 300)
    {
        using var grey = new Mat(height, width, MatType.CV_8UC3, Scalar.All(128));
        if (!Cv2.ImWrite(output, grey))
            throw new InvalidOperationException($"cannot write {output}");
        return output;
    }
}

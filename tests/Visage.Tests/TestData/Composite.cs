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

    /// <summary>
    /// A group photo: the photos in a row, left to right, each resized to <paramref name="tileSize"/> pixels square
    /// (photo k covers x from k*tileSize to (k+1)*tileSize), written as one image.
    /// </summary>
    public static string Row(IReadOnlyList<string> photos, string output, int tileSize = 250)
    {
        if (photos.Count == 0) throw new ArgumentException("a group photo needs at least one photo", nameof(photos));
        var tiles = new List<Mat>();
        try
        {
            foreach (var photo in photos)
            {
                using var image = Cv2.ImRead(photo);
                if (image.Empty()) throw new InvalidOperationException($"cannot read {photo}");
                var tile = new Mat();
                tiles.Add(tile);
                Cv2.Resize(image, tile, new Size(tileSize, tileSize), interpolation: InterpolationFlags.Area);
            }
            using var row = new Mat();
            Cv2.HConcat(tiles.ToArray(), row);
            if (!Cv2.ImWrite(output, row))
                throw new InvalidOperationException($"cannot write {output}");
            return output;
        }
        finally
        {
            foreach (var tile in tiles) tile.Dispose();
        }
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

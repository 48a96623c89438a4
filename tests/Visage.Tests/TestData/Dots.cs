using OpenCvSharp;

namespace Visage.Tests.TestData;

/// <summary>Finds dots drawn on a dark image, for checking where an alignment put known points.</summary>
internal static class Dots
{
    /// <summary>Brightness-weighted centroid of every connected bright blob.</summary>
    public static List<Point2d> Centroids(Mat bgr)
    {
        using var gray = new Mat();
        Cv2.CvtColor(bgr, gray, ColorConversionCodes.BGR2GRAY);
        using var mask = new Mat();
        Cv2.Threshold(gray, mask, 10, 255, ThresholdTypes.Binary);
        using var labels = new Mat();
        var count = Cv2.ConnectedComponents(mask, labels, PixelConnectivity.Connectivity8, MatType.CV_32S);
        var sums = new double[count, 3];
        int rows = gray.Rows, cols = gray.Cols;
        for (var y = 0; y < rows; y++)
        for (var x = 0; x < cols; x++)
        {
            var label = labels.At<int>(y, x);
            if (label == 0) continue;
            double w = gray.At<byte>(y, x);
            sums[label, 0] += w;
            sums[label, 1] += w * x;
            sums[label, 2] += w * y;
        }
        return Enumerable.Range(1, count - 1)
            .Select(l => new Point2d(sums[l, 1] / sums[l, 0], sums[l, 2] / sums[l, 0]))
            .ToList();
    }
}

using OpenCvSharp;

namespace Visage.Alignment;

/// <summary>Warps a face so its five points land, in the least-squares sense, on a template's.</summary>
internal static class FaceAligner
{
    public static Mat Align(Mat bgrImage, IReadOnlyList<Point2f> fivePoints, AlignmentTemplate template)
    {
        var transform = SimilarityTransform.Estimate(fivePoints, template.Points);
        using var matrix = Mat.FromPixelData(2, 3, MatType.CV_64FC1, transform.ToAffineRows());
        var aligned = new Mat();
        Cv2.WarpAffine(bgrImage, aligned, matrix, new Size(template.Size, template.Size),
            InterpolationFlags.Linear, BorderTypes.Constant, Scalar.Black);
        return aligned;
    }
}

using OpenCvSharp;
using Visage.Imaging;
using Visage.Landmarks;

namespace Visage.Alignment;

/// <summary>
/// Cuts dlib face chips (<c>extract_image_chip(img, get_face_chip_details(shape, size, padding))</c>):
/// the least-squares similarity from the template's chip points to the face's landmarks, sampled
/// bilinearly. As in dlib, the chip's continuous square [0, size] is spread over the pixel centres
/// 0 to size - 1, and a face more than twice the chip's scale is first halved (Gaussian pyramid) so the
/// sampling does not alias.
/// </summary>
internal static class DlibChipAligner
{
    /// <summary>The map from chip pixels to image pixels for a face with these 68 landmarks.</summary>
    public static SimilarityTransform ChipToImage(IReadOnlyList<Point2f> landmarks, DlibChipTemplate template)
    {
        if (landmarks.Count != FaceLandmarks.Count)
            throw new ArgumentException($"a dlib chip needs {FaceLandmarks.Count} landmarks, not {landmarks.Count}");
        var chipPoints = template.Landmarks.Select(i => ToFloat(template.ChipPoint(i))).ToList();
        var imagePoints = template.Landmarks.Select(i => landmarks[i]).ToList();
        var fit = SimilarityTransform.Estimate(chipPoints, imagePoints);
        var stretch = template.Size / (double)(template.Size - 1);
        return fit with { A = fit.A * stretch, B = fit.B * stretch };
    }

    public static Mat Extract(Mat bgrImage, FaceLandmarks landmarks, DlibChipTemplate template)
    {
        using var pyramid = new ImagePyramid(bgrImage);
        return Extract(pyramid, landmarks, template);
    }

    /// <summary>Cuts the chip from a pyramid of the image, so that faces of one photo share its halvings.</summary>
    internal static Mat Extract(ImagePyramid pyramid, FaceLandmarks landmarks, DlibChipTemplate template)
    {
        var toImage = ChipToImage(landmarks.Points, template);
        // dlib compares the fitted similarity's scale (before the pixel-centre stretch) with 2.
        var fittedScale = toImage.Scale * (template.Size - 1) / template.Size;
        var level = 0;
        while (fittedScale > 2)
        {
            fittedScale /= 2;
            level++;
            toImage = new SimilarityTransform(toImage.A / 2, toImage.B / 2, toImage.Tx / 2, toImage.Ty / 2);
        }

        using var matrix = Mat.FromPixelData(2, 3, MatType.CV_64FC1, toImage.ToAffineRows());
        var chip = new Mat();
        Cv2.WarpAffine(pyramid.Level(level), chip, matrix, new Size(template.Size, template.Size),
            InterpolationFlags.Linear | InterpolationFlags.WarpInverseMap, BorderTypes.Constant, Scalar.Black);
        return chip;
    }

    private static Point2f ToFloat(Point2d p) => new((float)p.X, (float)p.Y);
}

using OpenCvSharp;
using Visage.Alignment;
using Visage.Landmarks;

using Visage.Tests.TestData;

namespace Visage.Tests.FaceApi;

public sealed class DlibChipAlignerTests
{
    private static readonly DlibChipTemplate Template = DlibChipTemplate.FaceRecognition;

    /// <summary>Where dlib's extraction puts chip coordinate u: [0, 150] spread over pixel centres 0..149.</summary>
    private static Point2d Pixel(Point2d u) => new(u.X * 149 / 150, u.Y * 149 / 150);

    /// <summary>68 landmarks: the mean face through <paramref name="placement"/>, the jaw (unused) anywhere.</summary>
    private static Point2f[] FaceAt(SimilarityTransform placement)
    {
        var random = new Random(68);
        var points = new Point2f[FaceLandmarks.Count];
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = i < DlibChipTemplate.FirstMeanLandmark
                ? new Point2f(random.Next(0, 500), random.Next(0, 500))
                : placement.Apply(ToFloat(Template.ChipPoint(i)));
        }
        return points;
    }

    [Fact]
    public void Template_points_follow_dlibs_padding_formula()
    {
        // (0.25 + m) / 1.5 * 150 for the nose tip (30) and the outer corner of the eye on the left (36).
        AssertNear(new Point2d(74.0127, 76.5625), Template.ChipPoint(30), 1e-9);
        AssertNear(new Point2d(37.1737, 46.6423), Template.ChipPoint(36), 1e-9);
        Assert.Equal(new Point2d(0.000213256, 0.106454), DlibChipTemplate.MeanShape(17));
        Assert.Equal(new Point2d(0.42689, 0.824182), DlibChipTemplate.MeanShape(67));
        Assert.Throws<ArgumentOutOfRangeException>(() => DlibChipTemplate.MeanShape(16));
    }

    [Fact]
    public void Dlib_fits_33_landmarks_leaving_out_the_eyebrows_and_lower_lip()
    {
        Assert.Equal(33, Template.Landmarks.Count);
        Assert.Equal([.. Enumerable.Range(27, 28), .. Enumerable.Range(60, 5)], Template.Landmarks);
        Assert.Equal((150, 0.25), (Template.Size, Template.Padding));
    }

    [Theory]
    [InlineData(1.0, 0.0, 0.0, 0.0)]
    [InlineData(1.7, 12.0, 80.0, 40.0)]
    [InlineData(0.6, -30.0, 200.0, 10.0)]
    [InlineData(4.2, 175.0, 900.0, 700.0)]
    public void Landmarks_at_a_similarity_of_the_template_map_back_onto_it(
        double scale, double degrees, double tx, double ty)
    {
        var placement = SimilarityTransform.FromParts(scale, degrees * Math.PI / 180, tx, ty);
        var landmarks = FaceAt(placement);

        var toImage = DlibChipAligner.ChipToImage(landmarks, Template);

        foreach (var i in Template.Landmarks)
        {
            var mapped = toImage.Apply(ToFloat(Pixel(Template.ChipPoint(i))));
            AssertNear(new Point2d(landmarks[i].X, landmarks[i].Y), new Point2d(mapped.X, mapped.Y), 2e-3 * scale);
        }
        Assert.Equal(scale * 150 / 149, toImage.Scale, 4);
    }

    [Fact]
    public void The_fit_ignores_the_jaw_eyebrows_and_lower_lip()
    {
        var placement = SimilarityTransform.FromParts(1.5, 0.2, 30, 20);
        var landmarks = FaceAt(placement);
        var moved = landmarks.ToArray();
        foreach (var i in Enumerable.Range(0, 27).Concat(Enumerable.Range(55, 5)).Concat(Enumerable.Range(65, 3)))
            moved[i] = new Point2f(moved[i].X + 17 + i, moved[i].Y - 9);

        Assert.Equal(DlibChipAligner.ChipToImage(landmarks, Template), DlibChipAligner.ChipToImage(moved, Template));
    }

    [Theory]
    [InlineData(1.3, 8.0, 60.0, 30.0, 320, 300)]
    [InlineData(0.8, -20.0, 40.0, 90.0, 240, 260)]
    [InlineData(3.1, 25.0, 260.0, 40.0, 720, 640)]
    public void Dots_on_landmarks_land_on_the_template_in_the_chip(
        double scale, double degrees, double tx, double ty, int width, int height)
    {
        int[] marked = [36, 39, 42, 45, 30, 48, 54];
        var placement = SimilarityTransform.FromParts(scale, degrees * Math.PI / 180, tx, ty);
        var landmarks = FaceAt(placement);
        using var image = new Mat(height, width, MatType.CV_8UC3, Scalar.Black);
        const int subPixelBits = 4;
        foreach (var i in marked)
        {
            var p = landmarks[i];
            Assert.InRange(p.X, 10, width - 10);
            Assert.InRange(p.Y, 10, height - 10);
            Cv2.Circle(image, new Point((int)Math.Round(p.X * 16), (int)Math.Round(p.Y * 16)),
                (int)Math.Round(2.5 * scale * 16), Scalar.White, -1, LineTypes.AntiAlias, subPixelBits);
        }

        using var chip = DlibChipAligner.Extract(image, new FaceLandmarks(landmarks), Template);

        Assert.Equal((150, 150, MatType.CV_8UC3), (chip.Width, chip.Height, chip.Type()));
        var centroids = Dots.Centroids(chip);
        Assert.Equal(marked.Length, centroids.Count);
        foreach (var i in marked)
        {
            var expected = Pixel(Template.ChipPoint(i));
            var nearest = centroids.MinBy(c => c.DistanceTo(expected));
            Assert.True(nearest.DistanceTo(expected) <= 0.5,
                $"landmark {i}: dot expected at ({expected.X:0.00},{expected.Y:0.00}), found at ({nearest.X:0.00},{nearest.Y:0.00})");
        }
    }

    private static void AssertNear(Point2d expected, Point2d actual, double tolerance) =>
        Assert.True(expected.DistanceTo(actual) <= tolerance,
            $"expected ({expected.X:0.######},{expected.Y:0.######}), got ({actual.X:0.######},{actual.Y:0.######})");

    private static Point2f ToFloat(Point2d p) => new((float)p.X, (float)p.Y);
}

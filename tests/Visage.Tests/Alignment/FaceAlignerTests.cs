using OpenCvSharp;
using Visage.Alignment;

using Visage.Tests.TestData;

namespace Visage.Tests.Alignment;

public sealed class FaceAlignerTests
{
    private const int SubPixelBits = 4;
    private const double DotRadiusInTemplate = 2.5;

    [Theory]
    [InlineData(2.4, 25.0, 131.0, -33.0, 360, 360)]
    [InlineData(0.9, -15.0, 40.0, 60.0, 180, 200)]
    [InlineData(1.0, 0.0, 0.0, 0.0, 112, 112)]
    [InlineData(3.5, -100.0, 106.0, 477.0, 640, 480)]
    public void Dots_at_a_similarity_of_the_template_land_on_the_template(
        double scale, double degrees, double tx, double ty, int width, int height)
    {
        var template = AlignmentTemplate.ArcFace112;
        var placement = SimilarityTransform.FromParts(scale, degrees * Math.PI / 180, tx, ty);
        var imagePoints = template.Points.Select(placement.Apply).ToArray();

        using var image = new Mat(height, width, MatType.CV_8UC3, Scalar.Black);
        foreach (var p in imagePoints)
        {
            Assert.InRange(p.X, 10, width - 10);
            Assert.InRange(p.Y, 10, height - 10);
            var fixedPoint = 1 << SubPixelBits;
            Cv2.Circle(image, new Point((int)Math.Round(p.X * fixedPoint), (int)Math.Round(p.Y * fixedPoint)),
                (int)Math.Round(DotRadiusInTemplate * scale * fixedPoint), Scalar.White, -1, LineTypes.AntiAlias, SubPixelBits);
        }

        using var aligned = FaceAligner.Align(image, imagePoints, template);

        Assert.Equal(112, aligned.Width);
        Assert.Equal(112, aligned.Height);
        Assert.Equal(MatType.CV_8UC3, aligned.Type());

        var centroids = Dots.Centroids(aligned);
        Assert.Equal(5, centroids.Count);
        foreach (var expected in template.Points)
        {
            var nearest = centroids.MinBy(c => Distance(c, expected));
            Assert.True(Distance(nearest, expected) <= 1.5,
                $"dot expected at ({expected.X:0.00},{expected.Y:0.00}), nearest found at ({nearest.X:0.00},{nearest.Y:0.00})");
        }
    }

    private static double Distance(Point2d a, Point2f b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));
}

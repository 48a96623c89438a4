using OpenCvSharp;
using Visage.Alignment;

namespace Visage.Tests.Alignment;

public sealed class SimilarityTransformTests
{
    // A face-like layout (eyes, nose, mouth corners) around the origin. Kept near unit size so that the
    // float targets computed from it round by well under 1e-6 and cannot hide an estimation error.
    private static readonly Point2f[] UnitFace =
    [
        new(-0.35f, -0.20f), new(0.36f, -0.21f), new(0.02f, 0.08f), new(-0.28f, 0.45f), new(0.27f, 0.44f),
    ];

    public static TheoryData<double, double, double, double> KnownTransforms => new()
    {
        { 1.0, 0.0, 0.0, 0.0 },
        { 2.5, 30.0, 3.0, -1.5 },
        { 0.4, -50.0, -2.0, 4.0 },
        { 1.7, -170.0, 0.5, 0.25 },
        { 0.75, 120.0, -3.25, -0.8 },
        { 3.0, 179.0, 1.0, 1.0 },
    };

    [Theory]
    [MemberData(nameof(KnownTransforms))]
    public void Estimate_recovers_a_known_transform(double scale, double degrees, double tx, double ty)
    {
        var truth = SimilarityTransform.FromParts(scale, degrees * Math.PI / 180, tx, ty);
        var targets = UnitFace.Select(truth.Apply).ToArray();

        var estimate = SimilarityTransform.Estimate(UnitFace, targets);

        Assert.Equal(truth.A, estimate.A, 1e-6);
        Assert.Equal(truth.B, estimate.B, 1e-6);
        Assert.Equal(truth.Tx, estimate.Tx, 1e-6);
        Assert.Equal(truth.Ty, estimate.Ty, 1e-6);
        Assert.Equal(scale, estimate.Scale, 1e-6);
        Assert.Equal(degrees * Math.PI / 180, estimate.RotationRadians, 1e-6);
    }

    [Fact]
    public void Estimate_is_exact_at_image_scale_when_the_targets_are_exact_floats()
    {
        // Dyadic A, B, Tx, Ty and integer sources give targets a float holds exactly.
        var truth = new SimilarityTransform(0.5, -0.25, 10.5, -3.75);
        Point2f[] source = [new(310, 402), new(498, 397), new(405, 511), new(322, 600), new(489, 604)];
        var targets = source.Select(truth.Apply).ToArray();

        var estimate = SimilarityTransform.Estimate(source, targets);

        Assert.Equal(0.5, estimate.A, 1e-9);
        Assert.Equal(-0.25, estimate.B, 1e-9);
        Assert.Equal(10.5, estimate.Tx, 1e-9);
        Assert.Equal(-3.75, estimate.Ty, 1e-9);
        Assert.True(estimate.Scale < 1);
        Assert.True(estimate.RotationRadians < 0);
    }

    [Fact]
    public void Estimate_works_from_two_points()
    {
        var estimate = SimilarityTransform.Estimate([new(0, 0), new(1, 0)], [new(5, 5), new(5, 7)]);

        Assert.Equal(2, estimate.Scale, 1e-12);
        Assert.Equal(Math.PI / 2, estimate.RotationRadians, 1e-12);
        Assert.Equal(5, estimate.Tx, 1e-12);
        Assert.Equal(5, estimate.Ty, 1e-12);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void With_noise_the_estimate_is_the_least_squares_optimum(int seed)
    {
        var random = new Random(seed);
        var truth = SimilarityTransform.FromParts(2.2, -0.3, 140, 95);
        var source = AlignmentTemplate.ArcFace112.Points.ToArray();
        var targets = source
            .Select(p => truth.Apply(p))
            .Select(q => new Point2f(q.X + (float)(random.NextDouble() - 0.5), q.Y + (float)(random.NextDouble() - 0.5)))
            .ToArray();

        var estimate = SimilarityTransform.Estimate(source, targets);
        var best = Residual(estimate, source, targets);
        Assert.True(best > 0.01, "the noise should leave a residual");

        double[] parameters = [estimate.A, estimate.B, estimate.Tx, estimate.Ty];
        foreach (var step in new[] { 1e-2, 1e-4, -1e-4, -1e-2 })
        {
            for (var k = 0; k < 4; k++)
            {
                var moved = (double[])parameters.Clone();
                moved[k] += step;
                Assert.True(Residual(FromArray(moved), source, targets) > best, $"moving parameter {k} by {step} reduced the residual");
            }
        }
        for (var trial = 0; trial < 50; trial++)
        {
            var moved = parameters.Select(v => v + (random.NextDouble() - 0.5) * 1e-3).ToArray();
            Assert.True(Residual(FromArray(moved), source, targets) > best);
        }
    }

    [Fact]
    public void With_noise_the_estimate_matches_an_independent_least_squares_solve()
    {
        var random = new Random(7);
        var truth = SimilarityTransform.FromParts(0.6, 2.0, -20, 33);
        var source = AlignmentTemplate.ArcFace112.Points.ToArray();
        var targets = source
            .Select(p => truth.Apply(p))
            .Select(q => new Point2f(q.X + (float)(random.NextDouble() * 2 - 1), q.Y + (float)(random.NextDouble() * 2 - 1)))
            .ToArray();

        // Unknowns (A, B, Tx, Ty); each point gives the rows  A x - B y + Tx = x'  and  B x + A y + Ty = y'.
        using var system = new Mat(2 * source.Length, 4, MatType.CV_64FC1);
        using var rhs = new Mat(2 * source.Length, 1, MatType.CV_64FC1);
        for (var i = 0; i < source.Length; i++)
        {
            double x = source[i].X, y = source[i].Y;
            SetRow(system, 2 * i, x, -y, 1, 0);
            SetRow(system, 2 * i + 1, y, x, 0, 1);
            rhs.Set(2 * i, 0, (double)targets[i].X);
            rhs.Set(2 * i + 1, 0, (double)targets[i].Y);
        }
        using var solution = new Mat();
        Assert.True(Cv2.Solve(system, rhs, solution, DecompTypes.SVD));

        var estimate = SimilarityTransform.Estimate(source, targets);

        Assert.Equal(solution.At<double>(0), estimate.A, 1e-9);
        Assert.Equal(solution.At<double>(1), estimate.B, 1e-9);
        Assert.Equal(solution.At<double>(2), estimate.Tx, 1e-7);
        Assert.Equal(solution.At<double>(3), estimate.Ty, 1e-7);
    }

    [Fact]
    public void Apply_follows_the_documented_formula()
    {
        // Scale 2, a quarter turn counter-clockwise (in x-right, y-up terms), then shift by (1, 0).
        var t = SimilarityTransform.FromParts(2, Math.PI / 2, 1, 0);

        var p = t.Apply(new Point2f(1, 0));
        Assert.Equal(1, p.X, 1e-6);
        Assert.Equal(2, p.Y, 1e-6);

        var q = t.Apply(new Point2f(0, 3));
        Assert.Equal(-5, q.X, 1e-6);
        Assert.Equal(0, q.Y, 1e-6);
    }

    [Fact]
    public void ToAffineRows_agrees_with_Apply_by_hand_and_in_OpenCV()
    {
        var t = SimilarityTransform.FromParts(1.3, -0.7, 12.5, -40);
        Point2f[] points = [new(0, 0), new(10, 0), new(0, 10), new(37.5f, 81.25f), new(-4, 220)];
        var rows = t.ToAffineRows();
        Assert.Equal(6, rows.Length);

        using var matrix = Mat.FromPixelData(2, 3, MatType.CV_64FC1, rows);
        using var src = Mat.FromArray(points);
        using var dst = new Mat();
        Cv2.Transform(src, dst, matrix);
        Assert.True(dst.GetArray(out Point2f[] transformed));

        for (var i = 0; i < points.Length; i++)
        {
            var expected = t.Apply(points[i]);
            double x = points[i].X, y = points[i].Y;
            Assert.Equal(expected.X, rows[0] * x + rows[1] * y + rows[2], 1e-4);
            Assert.Equal(expected.Y, rows[3] * x + rows[4] * y + rows[5], 1e-4);
            Assert.Equal(expected.X, transformed[i].X, 1e-3);
            Assert.Equal(expected.Y, transformed[i].Y, 1e-3);
        }
    }

    [Fact]
    public void Mismatched_point_counts_throw()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            SimilarityTransform.Estimate(UnitFace, UnitFace.Take(4).ToArray()));
        Assert.Contains("5 source points but 4 target points", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Fewer_than_two_points_throw(int count)
    {
        var points = UnitFace.Take(count).ToArray();
        var error = Assert.Throws<ArgumentException>(() => SimilarityTransform.Estimate(points, points));
        Assert.Contains("at least two", error.Message);
    }

    [Fact]
    public void Coincident_source_points_throw()
    {
        var same = Enumerable.Repeat(new Point2f(40, 60), 5).ToArray();
        var error = Assert.Throws<ArgumentException>(() => SimilarityTransform.Estimate(same, UnitFace));
        Assert.Contains("coincide", error.Message);
    }

    private static double Residual(SimilarityTransform t, Point2f[] source, Point2f[] target)
    {
        double sum = 0;
        for (var i = 0; i < source.Length; i++)
        {
            double x = source[i].X, y = source[i].Y;
            var dx = t.A * x - t.B * y + t.Tx - target[i].X;
            var dy = t.B * x + t.A * y + t.Ty - target[i].Y;
            sum += dx * dx + dy * dy;
        }
        return sum;
    }

    private static SimilarityTransform FromArray(double[] p) => new(p[0], p[1], p[2], p[3]);

    private static void SetRow(Mat m, int row, params double[] values)
    {
        for (var c = 0; c < values.Length; c++) m.Set(row, c, values[c]);
    }
}

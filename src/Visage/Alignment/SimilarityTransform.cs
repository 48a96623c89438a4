using OpenCvSharp;

namespace Visage.Alignment;

/// <summary>
/// A rotation, uniform scale and translation of the plane: x' = A x - B y + Tx, y' = B x + A y + Ty,
/// where A = s cos(theta) and B = s sin(theta).
/// </summary>
internal readonly record struct SimilarityTransform(double A, double B, double Tx, double Ty)
{
    public double Scale => Math.Sqrt(A * A + B * B);
    public double RotationRadians => Math.Atan2(B, A);

    public static SimilarityTransform FromParts(double scale, double rotationRadians, double tx, double ty) =>
        new(scale * Math.Cos(rotationRadians), scale * Math.Sin(rotationRadians), tx, ty);

    public Point2f Apply(Point2f p) => new((float)(A * p.X - B * p.Y + Tx), (float)(B * p.X + A * p.Y + Ty));

    /// <summary>The 2x3 matrix <c>Cv2.WarpAffine</c> takes, row by row.</summary>
    public double[] ToAffineRows() => [A, -B, Tx, B, A, Ty];

    /// <summary>
    /// The least-squares similarity taking <paramref name="source"/> onto <paramref name="target"/>
    /// (Umeyama, 1991). In two dimensions without reflection Umeyama's SVD solution reduces to this
    /// closed form on the centred points: A = sum(s.t) / sum|s|^2 and B = sum(s x t) / sum|s|^2.
    /// </summary>
    public static SimilarityTransform Estimate(IReadOnlyList<Point2f> source, IReadOnlyList<Point2f> target)
    {
        if (source.Count != target.Count)
            throw new ArgumentException($"{source.Count} source points but {target.Count} target points");
        if (source.Count < 2)
            throw new ArgumentException("a similarity needs at least two point pairs");

        double sx = 0, sy = 0, tx = 0, ty = 0;
        for (var i = 0; i < source.Count; i++)
        {
            sx += source[i].X; sy += source[i].Y;
            tx += target[i].X; ty += target[i].Y;
        }
        var n = source.Count;
        sx /= n; sy /= n; tx /= n; ty /= n;

        double dot = 0, cross = 0, norm = 0;
        for (var i = 0; i < n; i++)
        {
            double px = source[i].X - sx, py = source[i].Y - sy;
            double qx = target[i].X - tx, qy = target[i].Y - ty;
            dot += px * qx + py * qy;
            cross += px * qy - py * qx;
            norm += px * px + py * py;
        }
        if (norm < 1e-12)
            throw new ArgumentException("the source points all coincide");

        var a = dot / norm;
        var b = cross / norm;
        return new SimilarityTransform(a, b, tx - (a * sx - b * sy), ty - (b * sx + a * sy));
    }
}

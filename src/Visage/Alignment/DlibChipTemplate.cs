using OpenCvSharp;

namespace Visage.Alignment;

/// <summary>
/// dlib's face chip, as <c>get_face_chip_details</c> defines it: a square of <see cref="Size"/> pixels
/// onto which a least-squares similarity maps the chosen landmarks (68-point iBUG numbering) to dlib's mean
/// face shape. The mean shape spans the unit square; <see cref="Padding"/> widens the chip by that fraction
/// of it on every side, so a mean-shape point m lands at (padding + m) / (1 + 2 padding) * size.
/// </summary>
internal sealed record DlibChipTemplate(int Size, double Padding, IReadOnlyList<int> Landmarks)
{
    /// <summary>
    /// The landmarks dlib fits: 17 to 67 but for the eyebrows (17-26) and the lower lip (55-59, 65-67),
    /// which move with expression; 33 points: nose, eyes, upper lip and both mouth corners.
    /// </summary>
    public static IReadOnlyList<int> DlibLandmarks { get; } =
        [.. Enumerable.Range(27, 28), .. Enumerable.Range(60, 5)];

    /// <summary>The chip dlib's face recogniser was trained on: 150x150, padding 0.25, dlib's 33 landmarks.</summary>
    public static DlibChipTemplate FaceRecognition { get; } = new(150, 0.25, DlibLandmarks);

    /// <summary>dlib's mean face shape for landmarks 17 to 67, x then y, as fractions of the unit square.</summary>
    private static readonly double[] MeanX =
    [
        0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124,
        0.904991, 0.98004, 0.490127, 0.490127, 0.490127, 0.490127, 0.36688, 0.426036,
        0.490127, 0.554217, 0.613373, 0.121737, 0.187122, 0.265825, 0.334606, 0.260918,
        0.182743, 0.645647, 0.714428, 0.793132, 0.858516, 0.79751, 0.719335, 0.254149,
        0.340985, 0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159, 0.556721,
        0.490127, 0.423532, 0.338094, 0.290379, 0.428096, 0.490127, 0.552157, 0.689874,
        0.553364, 0.490127, 0.42689,
    ];

    private static readonly double[] MeanY =
    [
        0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891,
        0.0187482, 0.038915, 0.106454, 0.203352, 0.307009, 0.409805, 0.515625, 0.587326,
        0.609345, 0.628106, 0.609345, 0.587326, 0.216423, 0.178758, 0.179852, 0.231733,
        0.245099, 0.244077, 0.231733, 0.179852, 0.178758, 0.216423, 0.244077, 0.245099,
        0.780233, 0.745405, 0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805,
        0.902192, 0.909281, 0.902192, 0.864805, 0.784792, 0.778746, 0.785343, 0.778746,
        0.784792, 0.824182, 0.831803, 0.824182,
    ];

    /// <summary>The first landmark the mean face shape covers (the jaw line, 0-16, has no mean position).</summary>
    public const int FirstMeanLandmark = 17;

    /// <summary>Where dlib's mean face puts a landmark (17 to 67), in the unit square.</summary>
    public static Point2d MeanShape(int landmark)
    {
        if (landmark < FirstMeanLandmark || landmark >= FirstMeanLandmark + MeanX.Length)
            throw new ArgumentOutOfRangeException(nameof(landmark), landmark,
                $"dlib's mean face covers landmarks {FirstMeanLandmark} to {FirstMeanLandmark + MeanX.Length - 1}");
        return new Point2d(MeanX[landmark - FirstMeanLandmark], MeanY[landmark - FirstMeanLandmark]);
    }

    /// <summary>Where a landmark belongs in the chip, in dlib's chip coordinates (0 to <see cref="Size"/>).</summary>
    public Point2d ChipPoint(int landmark)
    {
        var m = MeanShape(landmark);
        var scale = Size / (1 + 2 * Padding);
        return new Point2d((Padding + m.X) * scale, (Padding + m.Y) * scale);
    }
}

using OpenCvSharp;
using OpenCvSharp.Dnn;
using Visage.Detection;
using Visage.Execution;
using Visage.Models;

namespace Visage.Landmarks;

/// <summary>
/// A 68-point landmark network on a 64x64 grey crop (pixel / 256). The crop is the square, as tall as the
/// detector's box, centred on it; the network answers each point as a fraction of that square.
/// All faces of an image go through the network in one run.
/// </summary>
internal sealed class Landmark68Model : ILandmarker
{
    private const int InputSize = 64;

    /// <summary>Inputs lie in [0, 1); a few faces per photo.</summary>
    internal static TuningRequest Tuning { get; } = new(0f, 1f, TypicalBatch: 4);

    private readonly PlannedNetwork _network;

    public Landmark68Model(string modelPath) : this(PlannedNetwork.Load(LoadModel(modelPath)))
    {
    }

    internal Landmark68Model(PlannedNetwork network)
    {
        _network = network;
    }

    /// <summary>The network, rewritten so that it takes a batch (it was exported with a batch of one).</summary>
    internal static OnnxModel LoadModel(string modelPath) =>
        OnnxModel.FromBytes(Path.GetFileName(modelPath), OnnxModels.Read(modelPath));

    internal PlannedNetwork Network => _network;

    public IReadOnlyList<FaceLandmarks> Locate(Mat bgrImage, IReadOnlyList<FaceBox> faces)
    {
        if (faces.Count == 0) return [];
        using var grey = new Mat();
        Cv2.CvtColor(bgrImage, grey, ColorConversionCodes.BGR2GRAY);

        var squares = new (float X, float Y, float Side)[faces.Count];
        var crops = new Mat[faces.Count];
        try
        {
            for (var f = 0; f < faces.Count; f++)
            {
                var box = faces[f];
                var side = box.Height;
                var square = (X: box.Center.X - side / 2, Y: box.Center.Y - side / 2, Side: side);
                squares[f] = square;
                var scale = InputSize / side;
                using var transform = Mat.FromPixelData(2, 3, MatType.CV_64FC1,
                    new double[] { scale, 0, -square.X * scale, 0, scale, -square.Y * scale });
                crops[f] = new Mat();
                Cv2.WarpAffine(grey, crops[f], transform, new Size(InputSize, InputSize), InterpolationFlags.Linear,
                    BorderTypes.Replicate);
            }
            // pixel / 256 for every crop at once, channels first: the network's input.
            using var blob = CvDnn.BlobFromImages(crops, 1 / 256.0, new Size(InputSize, InputSize), new Scalar(0),
                swapRB: false, crop: false);
            var output = _network.Run(BlobData.ToArray(blob), faces.Count)[0];

            var landmarks = new FaceLandmarks[faces.Count];
            var values = output.Length / faces.Count;
            for (var f = 0; f < faces.Count; f++)
            {
                var (x0, y0, side) = squares[f];
                var points = new Point2f[FaceLandmarks.Count];
                for (var p = 0; p < points.Length; p++)
                    points[p] = new Point2f(x0 + output[f * values + 2 * p] * side, y0 + output[f * values + 2 * p + 1] * side);
                landmarks[f] = new FaceLandmarks(points);
            }
            return landmarks;
        }
        finally
        {
            foreach (var crop in crops) crop?.Dispose();
        }
    }

    public void Dispose() => _network.Dispose();
}

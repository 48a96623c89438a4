using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;
using Visage.Detection;
using Visage.Models;

namespace Visage.Landmarks;

/// <summary>
/// A 68-point landmark network on a 64x64 grey crop (pixel / 256). The crop is the square, as tall as the
/// detector's box, centred on it; the network answers each point as a fraction of that square.
/// All faces of an image go through the network in one run.
/// </summary>
public sealed class Landmark68Model : ILandmarker
{
    private const int InputSize = 64;
    private readonly InferenceSession _session;

    public Landmark68Model(string modelPath, SessionOptions? options = null)
    {
        var model = OnnxModels.Read(modelPath);
        _session = options is null ? new InferenceSession(model) : new InferenceSession(model, options);
    }

    public IReadOnlyList<FaceLandmarks> Locate(Mat bgrImage, IReadOnlyList<FaceBox> faces)
    {
        if (faces.Count == 0) return [];
        using var grey = new Mat();
        Cv2.CvtColor(bgrImage, grey, ColorConversionCodes.BGR2GRAY);

        const int plane = InputSize * InputSize;
        var input = new float[faces.Count * plane];
        var squares = new (float X, float Y, float Side)[faces.Count];
        using var crop = new Mat();
        for (var f = 0; f < faces.Count; f++)
        {
            var box = faces[f];
            var side = box.Height;
            var square = (X: box.Center.X - side / 2, Y: box.Center.Y - side / 2, Side: side);
            squares[f] = square;
            var scale = InputSize / side;
            using var transform = Mat.FromPixelData(2, 3, MatType.CV_64FC1,
                new double[] { scale, 0, -square.X * scale, 0, scale, -square.Y * scale });
            Cv2.WarpAffine(grey, crop, transform, new Size(InputSize, InputSize), InterpolationFlags.Linear,
                BorderTypes.Replicate);
            for (var y = 0; y < InputSize; y++)
            for (var x = 0; x < InputSize; x++)
                input[f * plane + y * InputSize + x] = crop.At<byte>(y, x) / 256f;
        }

        using var results = _session.Run(
        [
            NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(input, [faces.Count, 1, InputSize, InputSize])),
        ]);
        var output = results.First().AsTensor<float>();
        var landmarks = new FaceLandmarks[faces.Count];
        for (var f = 0; f < faces.Count; f++)
        {
            var (x0, y0, side) = squares[f];
            var points = new Point2f[FaceLandmarks.Count];
            for (var p = 0; p < points.Length; p++)
                points[p] = new Point2f(x0 + output[f, 2 * p] * side, y0 + output[f, 2 * p + 1] * side);
            landmarks[f] = new FaceLandmarks(points);
        }
        return landmarks;
    }

    public void Dispose() => _session.Dispose();
}

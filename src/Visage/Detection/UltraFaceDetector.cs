using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace Visage.Detection;

/// <summary>
/// The UltraFace RFB-320 detector: the whole image squeezed to 320x240 RGB, (pixel - 127) / 128.
/// The network decodes its own prior boxes; its "boxes" output holds corners as fractions of the image.
/// </summary>
internal sealed class UltraFaceDetector : IFaceDetector
{
    private const int InputWidth = 320;
    private const int InputHeight = 240;

    private readonly InferenceSession _session;
    private readonly float _scoreThreshold;
    private readonly float _iouThreshold;

    public UltraFaceDetector(string modelPath, float scoreThreshold = 0.7f, float iouThreshold = 0.3f,
        SessionOptions? options = null)
    {
        _session = options is null ? new InferenceSession(modelPath) : new InferenceSession(modelPath, options);
        _scoreThreshold = scoreThreshold;
        _iouThreshold = iouThreshold;
    }

    public IReadOnlyList<DetectedFace> Detect(Mat bgrImage)
    {
        using var blob = CvDnn.BlobFromImage(bgrImage, 1 / 128.0, new Size(InputWidth, InputHeight),
            new Scalar(127, 127, 127), swapRB: true, crop: false);
        var input = new float[3 * InputHeight * InputWidth];
        Marshal.Copy(blob.Data, input, 0, input.Length);

        using var results = _session.Run(
        [
            NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(input, [1, 3, InputHeight, InputWidth])),
        ]);
        var scores = results.First(r => r.Name == "scores").AsTensor<float>();
        var boxes = results.First(r => r.Name == "boxes").AsTensor<float>();

        var candidates = new List<DetectedFace>();
        var priors = scores.Dimensions[1];
        for (var i = 0; i < priors; i++)
        {
            var score = scores[0, i, 1];
            if (score < _scoreThreshold) continue;
            var box = FaceBox.FromCorners(
                boxes[0, i, 0] * bgrImage.Width, boxes[0, i, 1] * bgrImage.Height,
                boxes[0, i, 2] * bgrImage.Width, boxes[0, i, 3] * bgrImage.Height);
            box = box.ClipTo(bgrImage.Width, bgrImage.Height);
            if (box.Width <= 1 || box.Height <= 1) continue;
            candidates.Add(new DetectedFace(box, score));
        }
        return NonMaximumSuppression.Apply(candidates, _iouThreshold);
    }

    public void Dispose() => _session.Dispose();
}

using OpenCvSharp;
using OpenCvSharp.Dnn;
using Visage.Execution;

namespace Visage.Detection;

/// <summary>
/// The UltraFace RFB-320 detector: the whole image squeezed to 320x240 RGB, (pixel - 127) / 128.
/// The network decodes its own prior boxes; its "boxes" output holds corners as fractions of the image.
/// </summary>
internal sealed class UltraFaceDetector : IFaceDetector
{
    private const int InputWidth = 320;
    private const int InputHeight = 240;

    /// <summary>Inputs lie in [-1, 1]; one image per run.</summary>
    internal static TuningRequest Tuning { get; } = new(-1f, 1f);

    private readonly PlannedNetwork _network;
    private readonly int _scores;
    private readonly int _boxes;
    private readonly float _scoreThreshold;
    private readonly float _iouThreshold;

    public UltraFaceDetector(string modelPath, float scoreThreshold = 0.7f, float iouThreshold = 0.3f)
        : this(PlannedNetwork.Load(OnnxModel.FromFile(modelPath)), scoreThreshold, iouThreshold)
    {
    }

    internal UltraFaceDetector(PlannedNetwork network, float scoreThreshold = 0.7f, float iouThreshold = 0.3f)
    {
        _network = network;
        _scores = network.Model.OutputIndex("scores");
        _boxes = network.Model.OutputIndex("boxes");
        _scoreThreshold = scoreThreshold;
        _iouThreshold = iouThreshold;
    }

    internal PlannedNetwork Network => _network;

    public IReadOnlyList<DetectedFace> Detect(Mat bgrImage)
    {
        using var blob = CvDnn.BlobFromImage(bgrImage, 1 / 128.0, new Size(InputWidth, InputHeight),
            new Scalar(127, 127, 127), swapRB: true, crop: false);
        var input = BlobData.ToArray(blob);
        var outputs = _network.Run(input, 1);
        var scores = outputs[_scores];
        var boxes = outputs[_boxes];

        var candidates = new List<DetectedFace>();
        var priors = scores.Length / 2;
        float width = bgrImage.Width, height = bgrImage.Height;
        for (var i = 0; i < priors; i++)
        {
            var score = scores[2 * i + 1];
            if (score < _scoreThreshold) continue;
            var box = FaceBox.FromCorners(
                boxes[4 * i] * width, boxes[4 * i + 1] * height,
                boxes[4 * i + 2] * width, boxes[4 * i + 3] * height);
            box = box.ClipTo(bgrImage.Width, bgrImage.Height);
            if (box.Width <= 1 || box.Height <= 1) continue;
            candidates.Add(new DetectedFace(box, score));
        }
        return NonMaximumSuppression.Apply(candidates, _iouThreshold);
    }

    public void Dispose() => _network.Dispose();
}

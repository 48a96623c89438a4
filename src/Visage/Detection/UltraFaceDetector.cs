using OpenCvSharp;
using OpenCvSharp.Dnn;
using Visage.Execution;

namespace Visage.Detection;

/// <summary>
/// The UltraFace RFB-320 detector: the whole image squeezed to the network's input (320x240) RGB,
/// (pixel - 127) / 128, or, <see cref="DetectorInput.Fitted"/>, resized to the size <see cref="FittedSize"/> gives it.
/// The network runs cut at its heads (<see cref="UltraFaceGraph"/>); its prior boxes are decoded here, for the
/// input's actual size, only for the priors that score.
/// </summary>
internal sealed class UltraFaceDetector : IFaceDetector
{
    /// <summary>Inputs lie in [-1, 1]; one image per run.</summary>
    internal static TuningRequest Tuning { get; } = new(-1f, 1f);

    private readonly PlannedNetwork _network;
    private readonly UltraFaceAnchors _anchors;
    private readonly int _inputWidth;
    private readonly int _inputHeight;
    private readonly float _scoreThreshold;
    private readonly float _iouThreshold;
    private readonly bool _fitted;

    /// <summary>A fitted input's sides are multiples of this: feature maps of strides 8 and 16 then tile it exactly.</summary>
    internal const int FittedMultiple = 16;

    public UltraFaceDetector(string modelPath, float scoreThreshold = 0.7f, float iouThreshold = 0.3f)
        : this(Load(modelPath), scoreThreshold, iouThreshold)
    {
    }

    private UltraFaceDetector((OnnxModel Heads, UltraFaceAnchors Anchors, OnnxModel Graph) loaded, float scoreThreshold, float iouThreshold)
        : this(PlannedNetwork.Load(loaded.Heads), loaded.Anchors, loaded.Graph, scoreThreshold, iouThreshold)
    {
    }

    /// <param name="network">The network cut at its heads.</param>
    /// <param name="anchors">Its priors and decode, read from <paramref name="graph"/>.</param>
    /// <param name="graph">The network as written (with its own decode), for another implementation to run.</param>
    internal UltraFaceDetector(PlannedNetwork network, UltraFaceAnchors anchors, OnnxModel graph,
        float scoreThreshold = 0.7f, float iouThreshold = 0.3f, DetectorInput input = DetectorInput.Squeezed)
    {
        if (input == DetectorInput.Fitted && !network.Model.SizeDynamic)
            throw new ArgumentException($"{network.Model.Name}: a fitted input needs the network cut for any size");
        _fitted = input == DetectorInput.Fitted;
        _network = network;
        _anchors = anchors;
        Graph = graph;
        _inputHeight = network.Model.ItemShape[1];
        _inputWidth = network.Model.ItemShape[2];
        _scoreThreshold = scoreThreshold;
        _iouThreshold = iouThreshold;
    }

    private static (OnnxModel, UltraFaceAnchors, OnnxModel) Load(string modelPath)
    {
        var graph = OnnxModel.FromFile(modelPath);
        var (heads, anchors) = UltraFaceGraph.Cut(graph);
        return (heads, anchors, graph);
    }

    internal PlannedNetwork Network => _network;

    /// <summary>The network as written, decode included.</summary>
    internal OnnxModel Graph { get; }

    public IReadOnlyList<DetectedFace> Detect(Mat bgrImage)
    {
        var (width, height) = _fitted ? FittedSize(bgrImage.Width, bgrImage.Height) : (_inputWidth, _inputHeight);
        using var blob = CvDnn.BlobFromImage(bgrImage, 1 / 128.0, new Size(width, height),
            new Scalar(127, 127, 127), swapRB: true, crop: false);
        var heads = _fitted ? _network.Run(BlobData.ToArray(blob), [3, height, width]) : _network.Run(BlobData.ToArray(blob), 1);
        var candidates = new List<DetectedFace>();
        foreach (var face in _anchors.Decode(heads, width, height, _scoreThreshold, bgrImage.Width, bgrImage.Height))
        {
            var box = face.Box.ClipTo(bgrImage.Width, bgrImage.Height);
            if (box.Width <= 1 || box.Height <= 1) continue;
            candidates.Add(face with { Box = box });
        }
        return NonMaximumSuppression.Apply(candidates, _iouThreshold);
    }

    /// <summary>
    /// The input size for an image: its aspect kept within the nominal input's pixels, never larger than the
    /// image (the smallest anchor, 10 input pixels, stays at least 10 image pixels), each side rounded down to a
    /// multiple of <see cref="FittedMultiple"/> (and at least one).
    /// </summary>
    internal (int Width, int Height) FittedSize(int imageWidth, int imageHeight) =>
        FittedSize(imageWidth, imageHeight, _inputWidth * _inputHeight);

    internal static (int Width, int Height) FittedSize(int imageWidth, int imageHeight, int pixels)
    {
        var scale = Math.Min(1.0, Math.Sqrt((double)pixels / ((double)imageWidth * imageHeight)));
        int Side(int side) => Math.Max(FittedMultiple, (int)(side * scale) / FittedMultiple * FittedMultiple);
        return (Side(imageWidth), Side(imageHeight));
    }

    public void Dispose() => _network.Dispose();
}

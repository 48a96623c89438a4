using OpenCvSharp;
using OpenCvSharp.Dnn;
using Visage.Execution;

namespace Visage.Detection;

/// <summary>
/// The UltraFace RFB-320 detector: the whole image squeezed to the network's input (320x240) RGB,
/// (pixel - 127) / 128. The network runs cut at its heads (<see cref="UltraFaceGraph"/>); its prior boxes are
/// decoded here, only for the priors that score.
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
        float scoreThreshold = 0.7f, float iouThreshold = 0.3f)
    {
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
        using var blob = CvDnn.BlobFromImage(bgrImage, 1 / 128.0, new Size(_inputWidth, _inputHeight),
            new Scalar(127, 127, 127), swapRB: true, crop: false);
        var heads = _network.Run(BlobData.ToArray(blob), 1);
        var candidates = new List<DetectedFace>();
        foreach (var face in _anchors.Decode(heads, _inputWidth, _inputHeight, _scoreThreshold, bgrImage.Width, bgrImage.Height))
        {
            var box = face.Box.ClipTo(bgrImage.Width, bgrImage.Height);
            if (box.Width <= 1 || box.Height <= 1) continue;
            candidates.Add(face with { Box = box });
        }
        return NonMaximumSuppression.Apply(candidates, _iouThreshold);
    }

    public void Dispose() => _network.Dispose();
}

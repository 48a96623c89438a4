using OpenCvSharp;
using OpenCvSharp.Dnn;
using Visage.Detection;
using Visage.Execution;
using Visage.Models;

namespace Visage.Liveness;

/// <summary>
/// A liveness network of the catalogue (<see cref="LivenessModel"/>) on ONNX Runtime: all faces of an image
/// in one run, each cropped from its detector box as the network's authors crop it.
/// </summary>
internal sealed class LivenessNetwork : ILivenessScorer
{
    private readonly PlannedNetwork _network;
    private readonly LivenessModel _model;

    /// <param name="model">The network and how to feed it.</param>
    /// <param name="modelPath">Its installed first file (an .onnx, or a TensorFlow.js model.json).</param>
    public LivenessNetwork(LivenessModel model, string modelPath) : this(model, PlannedNetwork.Load(LoadModel(model, modelPath)))
    {
    }

    internal LivenessNetwork(LivenessModel model, PlannedNetwork network)
    {
        _model = model;
        _network = network;
    }

    /// <summary>The network as ONNX with a free batch (a TensorFlow.js graph converted).</summary>
    internal static OnnxModel LoadModel(LivenessModel model, string modelPath) =>
        OnnxModel.FromBytes(Path.GetFileName(modelPath),
            OnnxModels.Read(modelPath, model.OutputName is null ? null : [model.OutputName]));

    /// <summary>Inputs of (pixel - mean) / scale; a face or two per frame.</summary>
    internal static TuningRequest Tuning(LivenessModel model) =>
        new(-model.Mean / model.Scale, (255 - model.Mean) / model.Scale);

    internal PlannedNetwork Network => _network;

    public string ModelId => _model.Id;
    public float Threshold => _model.Threshold;

    public IReadOnlyList<float> Score(Mat bgrImage, IReadOnlyList<FaceBox> faces)
    {
        if (faces.Count == 0) return [];
        var crops = faces.Select(f => Crop(bgrImage, f)).ToList();
        try
        {
            var size = _model.InputSize;
            using var blob = CvDnn.BlobFromImages(crops, 1.0 / _model.Scale, new Size(size, size),
                new Scalar(_model.Mean, _model.Mean, _model.Mean), swapRB: _model.ColorOrder == ColorOrder.Rgb, crop: false);
            var output = _network.Run(BlobData.ToArray(blob), crops.Count)[0];
            var perFace = output.Length / crops.Count;
            return Enumerable.Range(0, crops.Count)
                .Select(i => LiveScore(output.AsSpan(i * perFace, perFace)))
                .ToList();
        }
        finally
        {
            foreach (var crop in crops) crop.Dispose();
        }
    }

    private float LiveScore(ReadOnlySpan<float> values)
    {
        if (_model.Output == LivenessOutput.Probability) return values[_model.LiveIndex];
        var max = float.NegativeInfinity;
        foreach (var v in values) max = Math.Max(max, v);
        double total = 0;
        foreach (var v in values) total += Math.Exp(v - max);
        return (float)(Math.Exp(values[_model.LiveIndex] - max) / total);
    }

    /// <summary>The box grown about its centre, kept inside the image (shrunk to fit, then shifted in).</summary>
    internal Mat Crop(Mat image, FaceBox box)
    {
        float width = box.Width, height = box.Height;
        if (_model.SquareCrop) width = height = Math.Max(width, height);
        var scale = Math.Min(_model.CropScale, Math.Min((image.Width - 1) / width, (image.Height - 1) / height));
        var (w, h) = (width * scale, height * scale);
        // Shifted inside the image (the grown box can be a hair wider than the image after rounding).
        var x = Math.Clamp(box.Center.X - w / 2, 0, Math.Max(0, image.Width - 1 - w));
        var y = Math.Clamp(box.Center.Y - h / 2, 0, Math.Max(0, image.Height - 1 - h));
        var rect = new Rect((int)x, (int)y, Math.Max(1, (int)w), Math.Max(1, (int)h))
            .Intersect(new Rect(0, 0, image.Width, image.Height));
        return image[rect].Clone();
    }

    public void Dispose() => _network.Dispose();
}

using System.Numerics.Tensors;
using OpenCvSharp;
using OpenCvSharp.Dnn;
using Visage.Execution;
using Visage.Models;

namespace Visage.Embedding;

/// <summary>
/// Runs an embedding network on ready crops, all in one batch, and returns L2-normalised encodings.
/// </summary>
internal sealed class EmbeddingNetwork : IDisposable
{
    private readonly PlannedNetwork _network;
    private readonly Scalar _mean;
    private readonly int _output;

    public EmbeddingNetwork(string modelPath, EmbedderSpec spec) : this(PlannedNetwork.Load(LoadModel(modelPath, spec)), spec)
    {
    }

    internal EmbeddingNetwork(PlannedNetwork network, EmbedderSpec spec)
    {
        _network = network;
        Spec = spec;
        _mean = spec.ChannelMeans is { Count: 3 } m ? new Scalar(m[0], m[1], m[2]) : new Scalar(spec.Mean, spec.Mean, spec.Mean);
        _output = spec.Output is { } name && network.Model.OutputNames.Contains(name) ? network.Model.OutputIndex(name) : 0;
    }

    /// <summary>
    /// The network as ONNX with a free batch (an .onnx file's batch of one made free, or a TensorFlow.js graph
    /// converted, keeping only the spec's output).
    /// </summary>
    internal static OnnxModel LoadModel(string modelPath, EmbedderSpec spec) =>
        OnnxModel.FromBytes(Path.GetFileName(modelPath), OnnxModels.Read(modelPath, spec.Output is null ? null : [spec.Output]));

    /// <summary>Inputs of (pixel - mean) / scale; a few faces per photo.</summary>
    internal static TuningRequest Tuning(EmbedderSpec spec)
    {
        var means = spec.ChannelMeans is { Count: 3 } m ? m : [spec.Mean];
        return new(-means.Max() / spec.Scale, (255 - means.Min()) / spec.Scale, TypicalBatch: 4);
    }

    public EmbedderSpec Spec { get; }

    internal PlannedNetwork Network => _network;

    public IReadOnlyList<float[]> Run(IReadOnlyList<Mat> crops) =>
        crops.Count == 0 ? [] : Run(Blob(crops), crops.Count);

    /// <summary>The crops as the network's input: resized to its size, (pixel - mean) / scale, channels first.</summary>
    internal float[] Blob(IReadOnlyList<Mat> crops)
    {
        var size = Spec.InputSize;
        using var blob = CvDnn.BlobFromImages(crops, 1.0 / Spec.Scale, new Size(size, size),
            _mean, swapRB: Spec.ColorOrder == ColorOrder.Rgb, crop: false);
        return BlobData.ToArray(blob);
    }

    internal IReadOnlyList<float[]> Run(float[] input, int count)
    {
        var output = _network.Run(input, count)[_output];
        var dimensions = output.Length / count;
        var encodings = new float[count][];
        for (var i = 0; i < count; i++)
            encodings[i] = Normalise(output.AsSpan(i * dimensions, dimensions));
        return encodings;
    }

    private static float[] Normalise(ReadOnlySpan<float> raw)
    {
        var norm = TensorPrimitives.Norm(raw);
        var unit = new float[raw.Length];
        if (norm > 0) TensorPrimitives.Divide(raw, norm, unit);
        return unit;
    }

    public void Dispose() => _network.Dispose();
}

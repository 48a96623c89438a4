using System.Runtime.InteropServices;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;
using OpenCvSharp.Dnn;
using Visage.Models;

namespace Visage.Embedding;

/// <summary>
/// Runs an embedding network on ready crops, all in one batch, and returns L2-normalised encodings.
/// </summary>
public sealed class EmbeddingNetwork : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly Scalar _mean;

    public EmbeddingNetwork(string modelPath, EmbedderSpec spec, SessionOptions? options = null)
    {
        Spec = spec;
        var model = OnnxModels.Read(modelPath, spec.Output is null ? null : [spec.Output]);
        _session = options is null ? new InferenceSession(model) : new InferenceSession(model, options);
        _inputName = _session.InputMetadata.Keys.First();
        _mean = spec.ChannelMeans is { Count: 3 } m ? new Scalar(m[0], m[1], m[2]) : new Scalar(spec.Mean, spec.Mean, spec.Mean);
    }

    public EmbedderSpec Spec { get; }

    public IReadOnlyList<float[]> Run(IReadOnlyList<Mat> crops)
    {
        if (crops.Count == 0) return [];
        var size = Spec.InputSize;
        using var blob = CvDnn.BlobFromImages(crops, 1.0 / Spec.Scale, new Size(size, size),
            _mean, swapRB: Spec.ColorOrder == ColorOrder.Rgb, crop: false);
        var input = new float[crops.Count * 3 * size * size];
        Marshal.Copy(blob.Data, input, 0, input.Length);

        using var results = _session.Run(
        [
            NamedOnnxValue.CreateFromTensor(_inputName, new DenseTensor<float>(input, [crops.Count, 3, size, size])),
        ]);
        var output = (Spec.Output is null ? results.First() : results.First(r => r.Name == Spec.Output))
            .AsTensor<float>().ToArray();
        var dimensions = output.Length / crops.Count;
        var encodings = new float[crops.Count][];
        for (var i = 0; i < crops.Count; i++)
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

    public void Dispose() => _session.Dispose();
}

using Microsoft.ML.OnnxRuntime;
using Onnx;
using Google.Protobuf;

namespace Visage.Models.Quantised;

/// <summary>
/// Measures the ranges of the activations <see cref="Int8Quantiser"/> will quantise: the prepared float graph,
/// with each of those tensors made an output too, runs on calibration items one at a time (ONNX Runtime's
/// graph as written, one thread), and each tensor's extremes are kept, overall and averaged over items.
/// </summary>
internal static class RangeCalibrator
{
    /// <param name="preparedFloatOnnx">The float network after <see cref="GraphPreparation"/>.</param>
    /// <param name="inputName">Its input.</param>
    /// <param name="itemShape">One item's dimensions (after the batch one).</param>
    /// <param name="items">The calibration items, each laid out as the network's input.</param>
    public static Dictionary<string, TensorRange> Measure(byte[] preparedFloatOnnx, string network, string inputName,
        IReadOnlyList<int> itemShape, IReadOnlyList<float[]> items)
    {
        if (items.Count == 0) throw new QuantisationException(network, "no calibration items");
        var model = ModelProto.Parser.ParseFrom(preparedFloatOnnx);
        var tensors = Int8Quantiser.TensorsToCalibrate(model, network);
        var outputs = model.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = model.Graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var tensor in tensors.Where(t => !outputs.Contains(t) && !inputs.Contains(t)))
        {
            model.Graph.Output.Add(new ValueInfoProto
            {
                Name = tensor,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        }

        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
            IntraOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        using var session = new InferenceSession(model.ToByteArray(), options);
        var fetched = tensors.Where(t => !inputs.Contains(t)).ToArray();
        var min = new float[tensors.Count];
        var max = new float[tensors.Count];
        var sumMin = new double[tensors.Count];
        var sumMax = new double[tensors.Count];
        Array.Fill(min, float.PositiveInfinity);
        Array.Fill(max, float.NegativeInfinity);
        long[] shape = [1, .. itemShape.Select(d => (long)d)];
        using var run = new RunOptions();
        foreach (var item in items)
        {
            using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, item.AsMemory(), shape);
            using var results = session.Run(run, [inputName], [value], fetched);
            for (var t = 0; t < tensors.Count; t++)
            {
                var index = Array.IndexOf(fetched, tensors[t]);
                var data = index < 0 ? item.AsSpan() : results[index].GetTensorDataAsSpan<float>();
                var (lo, hi) = (float.PositiveInfinity, float.NegativeInfinity);
                if (data.Length > 0)
                {
                    lo = System.Numerics.Tensors.TensorPrimitives.Min(data);
                    hi = System.Numerics.Tensors.TensorPrimitives.Max(data);
                }
                min[t] = Math.Min(min[t], lo);
                max[t] = Math.Max(max[t], hi);
                sumMin[t] += lo;
                sumMax[t] += hi;
            }
        }
        var ranges = new Dictionary<string, TensorRange>(StringComparer.Ordinal);
        for (var t = 0; t < tensors.Count; t++)
            ranges[tensors[t]] = new TensorRange(min[t], max[t], (float)(sumMin[t] / items.Count), (float)(sumMax[t] / items.Count));
        return ranges;
    }
}

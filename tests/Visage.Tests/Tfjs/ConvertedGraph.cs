using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = Visage.Tests.Tfjs.TfjsReference.Tensor;

namespace Visage.Tests.Tfjs;

/// <summary>
/// Runs a converted model on ONNX Runtime with TensorFlow's tensors: a four-axis input given channels last
/// is handed to the graph channels first, as the converter declares it; outputs come back as the graph gives them.
/// </summary>
internal static class ConvertedGraph
{
    public static IReadOnlyDictionary<string, Tensor> Run(byte[] onnx, IReadOnlyDictionary<string, Tensor> inputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(onnx, options);
        var feeds = inputs.Select(i => NamedOnnxValue.CreateFromTensor(i.Key, ChannelsFirst(i.Value))).ToList();
        using var results = session.Run(feeds);
        return results.ToDictionary(r => r.Name, r =>
        {
            var t = r.AsTensor<float>();
            return new Tensor(t.Dimensions.ToArray(), t.ToArray());
        });
    }

    public static DenseTensor<float> ChannelsFirst(Tensor t)
    {
        if (t.Rank != 4) return new DenseTensor<float>((float[])t.Values.Clone(), t.Shape);
        int n = t.Shape[0], h = t.Shape[1], w = t.Shape[2], c = t.Shape[3];
        var values = new float[t.Count];
        for (var b = 0; b < n; b++)
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        for (var ch = 0; ch < c; ch++)
            values[((b * c + ch) * h + y) * w + x] = t.Values[((b * h + y) * w + x) * c + ch];
        return new DenseTensor<float>(values, [n, c, h, w]);
    }

    /// <summary>The largest difference relative to max(1, |expected|), and where it is.</summary>
    public static (double Error, int At) Worst(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var (worst, at) = (0.0, 0);
        for (var i = 0; i < expected.Count; i++)
        {
            var error = Math.Abs((double)expected.Values[i] - actual.Values[i]) / Math.Max(1.0, Math.Abs(expected.Values[i]));
            if (double.IsNaN(error)) error = double.PositiveInfinity;
            if (error > worst) (worst, at) = (error, i);
        }
        return (worst, at);
    }

    public static void AssertClose(Tensor expected, Tensor actual, double tolerance, string what)
    {
        var (worst, at) = Worst(expected, actual);
        Assert.True(worst <= tolerance,
            $"{what}: value {at} is {actual.Values[at]} in the graph, {expected.Values[at]} in the reference");
    }

    /// <summary>Values from a fixed seed, uniform in [low, high).</summary>
    public static Tensor Random(int seed, float low, float high, params int[] shape)
    {
        var random = new Random(seed);
        var values = new float[shape.Aggregate(1, (p, d) => p * d)];
        for (var i = 0; i < values.Length; i++) values[i] = low + (float)(random.NextDouble() * (high - low));
        return new Tensor(shape, values);
    }
}

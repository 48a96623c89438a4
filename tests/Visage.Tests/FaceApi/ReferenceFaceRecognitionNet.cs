using Visage.Models.FaceApi;

namespace Visage.Tests.FaceApi;

/// <summary>
/// face-api's FaceRecognitionNet written out as plain loops over the dequantised tfjs tensors, channels
/// last as TensorFlow stores them, summing in double: the independent computation the ONNX graph is
/// checked against. It shares nothing with the graph builder but the weights reader.
/// </summary>
internal sealed class ReferenceFaceRecognitionNet(TfjsWeights weights)
{
    /// <summary>An activation of one image: value (y, x, c) at index (y * Width + x) * Channels + c.</summary>
    public sealed record Activation(int Height, int Width, int Channels, float[] Values)
    {
        public float this[int y, int x, int c] => Values[(y * Width + x) * Channels + c];
    }

    private static readonly float[] MeanRgb = [122.782f, 117.001f, 104.298f];

    /// <summary>Each stage of the network as a function of the previous stage's output, in order.</summary>
    public IReadOnlyList<(string Name, Func<Activation, Activation> Run)> Stages =>
    [
        ("conv32_down", x => ConvLayer(x, "conv32_down", stride: 2, pad: 0, relu: true)),
        ("max_pool", x => MaxPool(x, 3, 2)),
        ("conv32_1", x => Residual(x, "conv32_1")),
        ("conv32_2", x => Residual(x, "conv32_2")),
        ("conv32_3", x => Residual(x, "conv32_3")),
        ("conv64_down", x => ResidualDown(x, "conv64_down")),
        ("conv64_1", x => Residual(x, "conv64_1")),
        ("conv64_2", x => Residual(x, "conv64_2")),
        ("conv64_3", x => Residual(x, "conv64_3")),
        ("conv128_down", x => ResidualDown(x, "conv128_down")),
        ("conv128_1", x => Residual(x, "conv128_1")),
        ("conv128_2", x => Residual(x, "conv128_2")),
        ("conv256_down", x => ResidualDown(x, "conv256_down")),
        ("conv256_1", x => Residual(x, "conv256_1")),
        ("conv256_2", x => Residual(x, "conv256_2")),
        ("conv256_down_out", x => ResidualDown(x, "conv256_down_out")),
        ("global_average", GlobalAverage),
        ("descriptor", FullyConnected),
    ];

    /// <summary>(pixel - mean RGB) / 255 of an RGB image given channels last.</summary>
    public static Activation Normalize(int height, int width, byte[] rgb)
    {
        var values = new float[rgb.Length];
        for (var i = 0; i < rgb.Length; i++)
            values[i] = (rgb[i] - MeanRgb[i % 3]) / 255f;
        return new Activation(height, width, 3, values);
    }

    public Activation Run(Activation normalized) => Stages.Aggregate(normalized, (x, stage) => stage.Run(x));

    private Activation ConvLayer(Activation x, string name, int stride, int pad, bool relu)
    {
        var filters = weights[$"{name}/conv/filters"];
        int k = filters.Shape[0], inC = filters.Shape[2], outC = filters.Shape[3];
        if (inC != x.Channels) throw new InvalidOperationException($"{name}: {x.Channels} channels in, {inC} expected");
        var bias = weights.Get($"{name}/conv/bias", outC).Values;
        var scale = weights.Get($"{name}/scale/weights", outC).Values;
        var shift = weights.Get($"{name}/scale/biases", outC).Values;
        var kernel = filters.Values;

        var outH = (x.Height + 2 * pad - k) / stride + 1;
        var outW = (x.Width + 2 * pad - k) / stride + 1;
        var output = new float[outH * outW * outC];
        Parallel.For(0, outH, oy =>
        {
            var sums = new double[outC];
            for (var ox = 0; ox < outW; ox++)
            {
                Array.Clear(sums);
                for (var ky = 0; ky < k; ky++)
                {
                    var iy = oy * stride - pad + ky;
                    if (iy < 0 || iy >= x.Height) continue;
                    for (var kx = 0; kx < k; kx++)
                    {
                        var ix = ox * stride - pad + kx;
                        if (ix < 0 || ix >= x.Width) continue;
                        for (var ic = 0; ic < inC; ic++)
                        {
                            double v = x[iy, ix, ic];
                            var row = ((ky * k + kx) * inC + ic) * outC;
                            for (var oc = 0; oc < outC; oc++)
                                sums[oc] += v * kernel[row + oc];
                        }
                    }
                }
                for (var oc = 0; oc < outC; oc++)
                {
                    var y = (sums[oc] + bias[oc]) * scale[oc] + shift[oc];
                    output[(oy * outW + ox) * outC + oc] = (float)(relu ? Math.Max(0, y) : y);
                }
            }
        });
        return new Activation(outH, outW, outC, output);
    }

    private Activation Residual(Activation x, string block)
    {
        var y = ConvLayer(x, $"{block}/conv1", stride: 1, pad: 1, relu: true);
        y = ConvLayer(y, $"{block}/conv2", stride: 1, pad: 1, relu: false);
        var output = new float[y.Values.Length];
        for (var i = 0; i < output.Length; i++)
            output[i] = Math.Max(0, y.Values[i] + x.Values[i]);
        return y with { Values = output };
    }

    /// <summary>
    /// Convolution branch at stride 2; shortcut a 2x2 average pool with zero channels appended; the smaller
    /// branch counts as zero where the other extends beyond it (bottom rows, right columns).
    /// </summary>
    private Activation ResidualDown(Activation x, string block)
    {
        var y = ConvLayer(x, $"{block}/conv1", stride: 2, pad: 0, relu: true);
        y = ConvLayer(y, $"{block}/conv2", stride: 1, pad: 1, relu: false);
        var pooled = AveragePool(x, 2, 2);
        int h = Math.Max(y.Height, pooled.Height), w = Math.Max(y.Width, pooled.Width);
        var c = Math.Max(y.Channels, pooled.Channels);
        var output = new float[h * w * c];
        for (var r = 0; r < h; r++)
        for (var col = 0; col < w; col++)
        for (var ch = 0; ch < c; ch++)
        {
            var sum = At(y, r, col, ch) + At(pooled, r, col, ch);
            output[(r * w + col) * c + ch] = Math.Max(0, sum);
        }
        return new Activation(h, w, c, output);

        static float At(Activation a, int r, int col, int ch) =>
            r < a.Height && col < a.Width && ch < a.Channels ? a[r, col, ch] : 0;
    }

    private static Activation MaxPool(Activation x, int size, int stride) =>
        Pool(x, size, stride, window => window.Max());

    private static Activation AveragePool(Activation x, int size, int stride) =>
        Pool(x, size, stride, window => window.Average());

    private static Activation Pool(Activation x, int size, int stride, Func<List<double>, double> reduce)
    {
        int outH = (x.Height - size) / stride + 1, outW = (x.Width - size) / stride + 1;
        var output = new float[outH * outW * x.Channels];
        var window = new List<double>(size * size);
        for (var oy = 0; oy < outH; oy++)
        for (var ox = 0; ox < outW; ox++)
        for (var c = 0; c < x.Channels; c++)
        {
            window.Clear();
            for (var ky = 0; ky < size; ky++)
            for (var kx = 0; kx < size; kx++)
                window.Add(x[oy * stride + ky, ox * stride + kx, c]);
            output[(oy * outW + ox) * x.Channels + c] = (float)reduce(window);
        }
        return new Activation(outH, outW, x.Channels, output);
    }

    private static Activation GlobalAverage(Activation x)
    {
        var output = new float[x.Channels];
        for (var c = 0; c < x.Channels; c++)
        {
            double sum = 0;
            for (var y = 0; y < x.Height; y++)
            for (var col = 0; col < x.Width; col++)
                sum += x[y, col, c];
            output[c] = (float)(sum / (x.Height * x.Width));
        }
        return new Activation(1, 1, x.Channels, output);
    }

    /// <summary>x times the [in, out] matrix <c>fc</c>, no bias.</summary>
    private Activation FullyConnected(Activation x)
    {
        var fc = weights.Get("fc", x.Channels, 128);
        var output = new float[128];
        for (var o = 0; o < 128; o++)
        {
            double sum = 0;
            for (var i = 0; i < x.Channels; i++)
                sum += x.Values[i] * (double)fc.Values[i * 128 + o];
            output[o] = (float)sum;
        }
        return new Activation(1, 1, 128, output);
    }
}

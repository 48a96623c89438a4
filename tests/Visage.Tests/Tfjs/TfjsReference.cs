using Visage.Models.FaceApi;
using Visage.Models.Tfjs;

namespace Visage.Tests.Tfjs;

/// <summary>
/// A TensorFlow.js graph model run op by op as TensorFlow defines each op, with plain loops over tensors
/// kept channels last (NHWC) and sums in double: the independent computation the converted ONNX graph is
/// checked against. It shares only the model reader with the converter.
/// </summary>
internal sealed class TfjsReference(TfjsGraphModel model)
{
    /// <summary>A dense tensor, row-major (the last axis varies fastest).</summary>
    public sealed record Tensor(int[] Shape, float[] Values)
    {
        public int Count => Values.Length;
        public int Rank => Shape.Length;

        public static Tensor Of(TfjsTensor t) => new(t.Shape.ToArray(), (float[])t.Values.Clone());
    }

    /// <summary>Runs the graph on the given placeholder values and returns the named nodes' outputs.</summary>
    public IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs, IEnumerable<string> outputs)
    {
        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        Tensor Evaluate(string tensor)
        {
            var name = TfjsGraphModel.NodeOf(tensor);
            if (values.TryGetValue(name, out var known)) return known;
            var node = model.Node(name);
            var args = node.Op == "Placeholder" ? [] : node.Inputs.Select(Evaluate).ToArray();
            var result = node.Op switch
            {
                "Placeholder" => inputs[name],
                "Const" => Tensor.Of(model.Weights[name]),
                _ => Apply(node, args),
            };
            values[name] = result;
            return result;
        }
        return outputs.ToDictionary(o => o, Evaluate);
    }

    private static Tensor Apply(TfjsNode node, Tensor[] a) => node.Op switch
    {
        "Identity" or "Snapshot" or "StopGradient" or "Cast" => a[0],
        "Conv2D" or "_FusedConv2D" => Fused(node, a, Conv2D(node, a[0], a[1])),
        "DepthwiseConv2dNative" or "FusedDepthwiseConv2dNative" => Fused(node, a, Depthwise(node, a[0], a[1])),
        "MatMul" or "_FusedMatMul" => Fused(node, a, MatMul(a[0], a[1], node.Flag("transpose_b"))),
        "BiasAdd" or "Add" or "AddV2" => Broadcast(a[0], a[1], (x, y) => x + y),
        "Sub" => Broadcast(a[0], a[1], (x, y) => x - y),
        "Mul" => Broadcast(a[0], a[1], (x, y) => x * y),
        "RealDiv" or "Div" => Broadcast(a[0], a[1], (x, y) => x / y),
        "Maximum" => Broadcast(a[0], a[1], Math.Max),
        "Minimum" => Broadcast(a[0], a[1], Math.Min),
        "Pow" => Broadcast(a[0], a[1], Math.Pow),
        "SquaredDifference" => Broadcast(a[0], a[1], (x, y) => (x - y) * (x - y)),
        "AddN" => a.Skip(1).Aggregate(a[0], (s, t) => Broadcast(s, t, (x, y) => x + y)),
        "Prelu" => Broadcast(a[0], a[1], (x, alpha) => x >= 0 ? x : alpha * x),
        "Relu" => Map(a[0], x => Math.Max(x, 0)),
        "Relu6" => Map(a[0], x => Math.Min(Math.Max(x, 0), 6)),
        "Elu" => Map(a[0], x => x >= 0 ? x : Math.Exp(x) - 1),
        "LeakyRelu" => Map(a[0], x => x >= 0 ? x : node.Number("alpha", 0.2f) * x),
        "Sigmoid" => Map(a[0], x => 1 / (1 + Math.Exp(-x))),
        "Tanh" => Map(a[0], Math.Tanh),
        "Abs" => Map(a[0], Math.Abs),
        "Neg" => Map(a[0], x => -x),
        "Exp" => Map(a[0], Math.Exp),
        "Log" => Map(a[0], Math.Log),
        "Sqrt" => Map(a[0], Math.Sqrt),
        "Rsqrt" => Map(a[0], x => 1 / Math.Sqrt(x)),
        "Square" => Map(a[0], x => x * x),
        "Reciprocal" => Map(a[0], x => 1 / x),
        "Softmax" => Softmax(a[0]),
        "Sum" => Reduce(node, a, (xs) => xs.Sum()),
        "Mean" => Reduce(node, a, (xs) => xs.Average()),
        "Max" => Reduce(node, a, (xs) => xs.Max()),
        "Min" => Reduce(node, a, (xs) => xs.Min()),
        "Prod" => Reduce(node, a, (xs) => xs.Aggregate(1.0, (p, x) => p * x)),
        "Squeeze" => Squeeze(node, a[0]),
        "ExpandDims" => ExpandDims(a[0], (int)a[1].Values[0]),
        "Reshape" => Reshape(a[0], a[1].Values.Select(v => (int)v).ToArray()),
        "ConcatV2" => Concat(a[..^1], (int)a[^1].Values[0]),
        "Pad" or "PadV2" or "MirrorPad" => Pad(node, a),
        "MaxPool" => Pool(node, a[0], average: false),
        "AvgPool" => Pool(node, a[0], average: true),
        "FusedBatchNorm" or "FusedBatchNormV3" => BatchNorm(a[0], a[1], a[2], a[3], a[4], node.Number("epsilon", 1e-3f)),
        "ResizeBilinear" => ResizeBilinear(node, a[0], (int)a[1].Values[0], (int)a[1].Values[1]),
        "ResizeNearestNeighbor" => ResizeNearest(node, a[0], (int)a[1].Values[0], (int)a[1].Values[1]),
        "DepthToSpace" => DepthToSpace(a[0], (int)node.Integer("block_size")),
        _ => throw new NotSupportedException($"reference has no op {node.Op}"),
    };

    /// <summary>What a fused op does after its main product: the bias (or batch norm), then one activation.</summary>
    private static Tensor Fused(TfjsNode node, Tensor[] a, Tensor y)
    {
        var next = 2;
        foreach (var op in node.Texts("fused_ops"))
        {
            y = op switch
            {
                "BiasAdd" => Broadcast(y, a[next++], (v, b) => v + b),
                "FusedBatchNorm" or "FusedBatchNormV3" =>
                    BatchNorm(y, a[next++], a[next++], a[next++], a[next++], node.Number("epsilon", 1e-3f)),
                "Relu" => Map(y, x => Math.Max(x, 0)),
                "Relu6" => Map(y, x => Math.Min(Math.Max(x, 0), 6)),
                "Elu" => Map(y, x => x >= 0 ? x : Math.Exp(x) - 1),
                "Sigmoid" => Map(y, x => 1 / (1 + Math.Exp(-x))),
                "Tanh" => Map(y, Math.Tanh),
                "LeakyRelu" => Map(y, x => x >= 0 ? x : node.Number("leakyrelu_alpha", 0.2f) * x),
                "Prelu" => Broadcast(y, a[next++], (x, alpha) => x >= 0 ? x : alpha * x),
                _ => throw new NotSupportedException($"reference has no fused {op}"),
            };
        }
        return y;
    }

    private static Tensor Map(Tensor t, Func<double, double> f) => new(t.Shape, t.Values.Select(v => (float)f(v)).ToArray());

    /// <summary>NumPy/TensorFlow broadcasting: shapes aligned on the right, axes of size 1 repeated.</summary>
    private static Tensor Broadcast(Tensor a, Tensor b, Func<double, double, double> f)
    {
        var rank = Math.Max(a.Rank, b.Rank);
        int[] Pad(int[] s) => Enumerable.Repeat(1, rank - s.Length).Concat(s).ToArray();
        var (sa, sb) = (Pad(a.Shape), Pad(b.Shape));
        var shape = sa.Zip(sb, Math.Max).ToArray();
        var result = new float[shape.Aggregate(1, (p, d) => p * d)];
        var index = new int[rank];
        for (var i = 0; i < result.Length; i++)
        {
            var rest = i;
            for (var ax = rank - 1; ax >= 0; ax--)
            {
                index[ax] = rest % shape[ax];
                rest /= shape[ax];
            }
            result[i] = (float)f(a.Values[Offset(sa, index)], b.Values[Offset(sb, index)]);
        }
        return new Tensor(shape, result);

        static int Offset(int[] s, int[] index)
        {
            var offset = 0;
            for (var ax = 0; ax < s.Length; ax++) offset = offset * s[ax] + (s[ax] == 1 ? 0 : index[ax]);
            return offset;
        }
    }

    private static (int Before, int Output) SamePadding(int size, int kernel, int stride, int dilation)
    {
        var output = (size + stride - 1) / stride;
        var needed = Math.Max(0, (output - 1) * stride + (kernel - 1) * dilation + 1 - size);
        return (needed / 2, output);
    }

    /// <summary>Where each output cell's window starts on one spatial axis, and how many outputs there are.</summary>
    private static (int Before, int Output) Window(TfjsNode node, int axis, int size, int kernel, int stride, int dilation)
    {
        switch (node.Text("padding", "VALID"))
        {
            case "SAME":
                return SamePadding(size, kernel, stride, dilation);
            case "EXPLICIT":
                var pads = node.Integers("explicit_paddings");
                var (before, after) = ((int)pads[2 * axis], (int)pads[2 * axis + 1]);
                return (before, (size + before + after - (kernel - 1) * dilation - 1) / stride + 1);
            default:
                return (0, (size - (kernel - 1) * dilation - 1) / stride + 1);
        }
    }

    private static int Spatial(TfjsNode node, string attribute, int axis)
    {
        var values = node.Integers(attribute);
        return values.Count == 0 ? 1 : (int)values[axis];
    }

    private static Tensor Conv2D(TfjsNode node, Tensor x, Tensor filter) => Convolve(node, x, filter, depthwise: false);

    private static Tensor Depthwise(TfjsNode node, Tensor x, Tensor filter) => Convolve(node, x, filter, depthwise: true);

    private static Tensor Convolve(TfjsNode node, Tensor x, Tensor filter, bool depthwise)
    {
        int n = x.Shape[0], h = x.Shape[1], w = x.Shape[2], c = x.Shape[3];
        int kh = filter.Shape[0], kw = filter.Shape[1], fourth = filter.Shape[3];
        int sh = Spatial(node, "strides", 1), sw = Spatial(node, "strides", 2);
        int dh = Spatial(node, "dilations", 1), dw = Spatial(node, "dilations", 2);
        var (top, oh) = Window(node, 1, h, kh, sh, dh);
        var (left, ow) = Window(node, 2, w, kw, sw, dw);
        var oc = depthwise ? c * fourth : fourth;
        var output = new float[n * oh * ow * oc];
        Parallel.For(0, n * oh, row =>
        {
            var (b, oy) = (row / oh, row % oh);
            var sums = new double[oc];
            for (var ox = 0; ox < ow; ox++)
            {
                Array.Clear(sums);
                for (var ky = 0; ky < kh; ky++)
                {
                    var iy = oy * sh - top + ky * dh;
                    if (iy < 0 || iy >= h) continue;
                    for (var kx = 0; kx < kw; kx++)
                    {
                        var ix = ox * sw - left + kx * dw;
                        if (ix < 0 || ix >= w) continue;
                        var at = ((b * h + iy) * w + ix) * c;
                        var k = (ky * kw + kx) * c * fourth;
                        for (var ic = 0; ic < c; ic++)
                        {
                            double v = x.Values[at + ic];
                            if (depthwise)
                                for (var m = 0; m < fourth; m++) sums[ic * fourth + m] += v * filter.Values[k + ic * fourth + m];
                            else
                                for (var o = 0; o < fourth; o++) sums[o] += v * filter.Values[k + ic * fourth + o];
                        }
                    }
                }
                for (var o = 0; o < oc; o++) output[((b * oh + oy) * ow + ox) * oc + o] = (float)sums[o];
            }
        });
        return new Tensor([n, oh, ow, oc], output);
    }

    private static Tensor MatMul(Tensor a, Tensor b, bool transposeB)
    {
        int rows = a.Shape[0], inner = a.Shape[1];
        var cols = transposeB ? b.Shape[0] : b.Shape[1];
        var output = new float[rows * cols];
        for (var r = 0; r < rows; r++)
        for (var c = 0; c < cols; c++)
        {
            double sum = 0;
            for (var i = 0; i < inner; i++)
                sum += a.Values[r * inner + i] * (double)(transposeB ? b.Values[c * inner + i] : b.Values[i * cols + c]);
            output[r * cols + c] = (float)sum;
        }
        return new Tensor([rows, cols], output);
    }

    private static Tensor Softmax(Tensor t)
    {
        var last = t.Shape[^1];
        var output = new float[t.Count];
        for (var start = 0; start < t.Count; start += last)
        {
            var max = t.Values.Skip(start).Take(last).Max();
            var exps = t.Values.Skip(start).Take(last).Select(v => Math.Exp(v - max)).ToArray();
            var total = exps.Sum();
            for (var i = 0; i < last; i++) output[start + i] = (float)(exps[i] / total);
        }
        return new Tensor(t.Shape, output);
    }

    private static Tensor Reduce(TfjsNode node, Tensor[] a, Func<IEnumerable<double>, double> f)
    {
        var x = a[0];
        var axes = a[1].Values.Select(v => (int)v < 0 ? (int)v + x.Rank : (int)v).ToHashSet();
        var kept = Enumerable.Range(0, x.Rank).Select(i => axes.Contains(i) ? 1 : x.Shape[i]).ToArray();
        var groups = new List<double>[kept.Aggregate(1, (p, d) => p * d)];
        for (var g = 0; g < groups.Length; g++) groups[g] = [];
        var index = new int[x.Rank];
        for (var i = 0; i < x.Count; i++)
        {
            var rest = i;
            for (var ax = x.Rank - 1; ax >= 0; ax--)
            {
                index[ax] = rest % x.Shape[ax];
                rest /= x.Shape[ax];
            }
            var target = 0;
            for (var ax = 0; ax < x.Rank; ax++) target = target * kept[ax] + (axes.Contains(ax) ? 0 : index[ax]);
            groups[target].Add(x.Values[i]);
        }
        var values = groups.Select(g => (float)f(g)).ToArray();
        var shape = node.Flag("keep_dims") ? kept : kept.Where((_, i) => !axes.Contains(i)).ToArray();
        return new Tensor(shape, values);
    }

    private static Tensor Squeeze(TfjsNode node, Tensor x)
    {
        var listed = node.Integers("squeeze_dims").Select(a => (int)(a < 0 ? a + x.Rank : a)).ToHashSet();
        var shape = x.Shape.Where((d, i) => listed.Count > 0 ? !listed.Contains(i) : d != 1).ToArray();
        return new Tensor(shape, x.Values);
    }

    private static Tensor ExpandDims(Tensor x, int axis)
    {
        if (axis < 0) axis += x.Rank + 1;
        return new Tensor([.. x.Shape.Take(axis), 1, .. x.Shape.Skip(axis)], x.Values);
    }

    private static Tensor Reshape(Tensor x, int[] target)
    {
        var known = target.Where(d => d != -1).Aggregate(1, (p, d) => p * d);
        return new Tensor(target.Select(d => d == -1 ? x.Count / known : d).ToArray(), x.Values);
    }

    private static Tensor Concat(Tensor[] parts, int axis)
    {
        var rank = parts[0].Rank;
        if (axis < 0) axis += rank;
        var outer = parts[0].Shape.Take(axis).Aggregate(1, (p, d) => p * d);
        var inner = parts[0].Shape.Skip(axis + 1).Aggregate(1, (p, d) => p * d);
        var shape = (int[])parts[0].Shape.Clone();
        shape[axis] = parts.Sum(p => p.Shape[axis]);
        var output = new List<float>();
        for (var o = 0; o < outer; o++)
            foreach (var p in parts)
                output.AddRange(p.Values.Skip(o * p.Shape[axis] * inner).Take(p.Shape[axis] * inner));
        return new Tensor(shape, output.ToArray());
    }

    private static Tensor Pad(TfjsNode node, Tensor[] a)
    {
        var x = a[0];
        var pads = a[1].Values.Select(v => (int)v).ToArray();
        var value = node.Op == "PadV2" ? a[2].Values[0] : 0f;
        var reflect = node.Op == "MirrorPad";
        var shape = x.Shape.Select((d, i) => d + pads[2 * i] + pads[2 * i + 1]).ToArray();
        var output = new float[shape.Aggregate(1, (p, d) => p * d)];
        var index = new int[x.Rank];
        for (var i = 0; i < output.Length; i++)
        {
            var rest = i;
            var inside = true;
            for (var ax = x.Rank - 1; ax >= 0; ax--)
            {
                var at = rest % shape[ax] - pads[2 * ax];
                rest /= shape[ax];
                if (reflect)
                {
                    if (at < 0) at = -at;
                    if (at >= x.Shape[ax]) at = 2 * (x.Shape[ax] - 1) - at;
                }
                else if (at < 0 || at >= x.Shape[ax]) inside = false;
                index[ax] = at;
            }
            if (!inside)
            {
                output[i] = value;
                continue;
            }
            var offset = 0;
            for (var ax = 0; ax < x.Rank; ax++) offset = offset * x.Shape[ax] + index[ax];
            output[i] = x.Values[offset];
        }
        return new Tensor(shape, output);
    }

    private static Tensor Pool(TfjsNode node, Tensor x, bool average)
    {
        int n = x.Shape[0], h = x.Shape[1], w = x.Shape[2], c = x.Shape[3];
        int kh = Spatial(node, "ksize", 1), kw = Spatial(node, "ksize", 2);
        int sh = Spatial(node, "strides", 1), sw = Spatial(node, "strides", 2);
        var (top, oh) = Window(node, 1, h, kh, sh, 1);
        var (left, ow) = Window(node, 2, w, kw, sw, 1);
        var output = new float[n * oh * ow * c];
        for (var b = 0; b < n; b++)
        for (var oy = 0; oy < oh; oy++)
        for (var ox = 0; ox < ow; ox++)
        for (var ch = 0; ch < c; ch++)
        {
            var best = double.NegativeInfinity;
            double sum = 0;
            var count = 0;
            for (var ky = 0; ky < kh; ky++)
            for (var kx = 0; kx < kw; kx++)
            {
                int iy = oy * sh - top + ky, ix = ox * sw - left + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                var v = x.Values[((b * h + iy) * w + ix) * c + ch];
                best = Math.Max(best, v);
                sum += v;
                count++;
            }
            output[((b * oh + oy) * ow + ox) * c + ch] = (float)(average ? sum / count : best);
        }
        return new Tensor([n, oh, ow, c], output);
    }

    private static Tensor BatchNorm(Tensor x, Tensor scale, Tensor offset, Tensor mean, Tensor variance, float epsilon)
    {
        var c = x.Shape[^1];
        var output = new float[x.Count];
        for (var i = 0; i < x.Count; i++)
        {
            var ch = i % c;
            output[i] = (float)((x.Values[i] - mean.Values[ch]) / Math.Sqrt(variance.Values[ch] + epsilon) * scale.Values[ch]
                                + offset.Values[ch]);
        }
        return new Tensor(x.Shape, output);
    }

    /// <summary>Where output cell <paramref name="o"/> samples the input, as TensorFlow's resize kernels compute it.</summary>
    private static double Source(TfjsNode node, int o, int inSize, int outSize)
    {
        if (node.Flag("align_corners"))
            return outSize > 1 ? o * (inSize - 1) / (double)(outSize - 1) : 0;
        var scale = inSize / (double)outSize;
        return node.Flag("half_pixel_centers") ? (o + 0.5) * scale - 0.5 : o * scale;
    }

    private static Tensor ResizeBilinear(TfjsNode node, Tensor x, int oh, int ow)
    {
        int n = x.Shape[0], h = x.Shape[1], w = x.Shape[2], c = x.Shape[3];
        var output = new float[n * oh * ow * c];
        for (var b = 0; b < n; b++)
        for (var oy = 0; oy < oh; oy++)
        for (var ox = 0; ox < ow; ox++)
        {
            var (y0, y1, fy) = Between(Source(node, oy, h, oh), h);
            var (x0, x1, fx) = Between(Source(node, ox, w, ow), w);
            for (var ch = 0; ch < c; ch++)
            {
                double At(int y, int xx) => x.Values[((b * h + y) * w + xx) * c + ch];
                var top = At(y0, x0) + (At(y0, x1) - At(y0, x0)) * fx;
                var bottom = At(y1, x0) + (At(y1, x1) - At(y1, x0)) * fx;
                output[((b * oh + oy) * ow + ox) * c + ch] = (float)(top + (bottom - top) * fy);
            }
        }
        return new Tensor([n, oh, ow, c], output);

        static (int Low, int High, double Fraction) Between(double at, int size)
        {
            var floor = Math.Floor(at);
            var low = Math.Max((int)floor, 0);
            var high = Math.Min((int)Math.Ceiling(at), size - 1);
            return (Math.Min(low, size - 1), Math.Max(high, 0), at - floor);
        }
    }

    private static Tensor ResizeNearest(TfjsNode node, Tensor x, int oh, int ow)
    {
        int n = x.Shape[0], h = x.Shape[1], w = x.Shape[2], c = x.Shape[3];
        var alignCorners = node.Flag("align_corners");
        var halfPixel = node.Flag("half_pixel_centers");
        int Pick(int o, int inSize, int outSize)
        {
            var scale = alignCorners && outSize > 1 ? (inSize - 1) / (double)(outSize - 1) : inSize / (double)outSize;
            var at = alignCorners ? Math.Round(o * scale) : halfPixel ? Math.Floor((o + 0.5) * scale) : Math.Floor(o * scale);
            return Math.Clamp((int)at, 0, inSize - 1);
        }
        var output = new float[n * oh * ow * c];
        for (var b = 0; b < n; b++)
        for (var oy = 0; oy < oh; oy++)
        for (var ox = 0; ox < ow; ox++)
        for (var ch = 0; ch < c; ch++)
            output[((b * oh + oy) * ow + ox) * c + ch] = x.Values[((b * h + Pick(oy, h, oh)) * w + Pick(ox, w, ow)) * c + ch];
        return new Tensor([n, oh, ow, c], output);
    }

    private static Tensor DepthToSpace(Tensor x, int block)
    {
        int n = x.Shape[0], h = x.Shape[1], w = x.Shape[2], c = x.Shape[3];
        var oc = c / (block * block);
        var output = new float[x.Count];
        for (var b = 0; b < n; b++)
        for (var y = 0; y < h; y++)
        for (var xx = 0; xx < w; xx++)
        for (var i = 0; i < block; i++)
        for (var j = 0; j < block; j++)
        for (var ch = 0; ch < oc; ch++)
            output[((b * h * block + y * block + i) * w * block + xx * block + j) * oc + ch] =
                x.Values[((b * h + y) * w + xx) * c + (i * block + j) * oc + ch];
        return new Tensor([n, h * block, w * block, oc], output);
    }
}

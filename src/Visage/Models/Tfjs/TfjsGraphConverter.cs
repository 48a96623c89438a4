using Visage.Models.FaceApi;
using Visage.Models.Onnx;

namespace Visage.Models.Tfjs;

/// <summary>
/// Converts a TensorFlow.js graph model into an ONNX model that ONNX Runtime (or OpenCV's DNN module) runs.
/// <para>
/// TensorFlow keeps images channels last (NHWC); ONNX convolutions want them channels first. Every tensor of
/// four axes is therefore held channels first (NCHW) in the ONNX graph, and the converter translates the
/// axes of each op that names them (reductions, squeezes, padding, concatenation, softmax); reshapes and
/// outputs go back to TensorFlow's order first, so results are exactly TensorFlow's. The graph's input is
/// [batch, channels, height, width] (the order <c>blobFromImages</c> gives), its batch free whatever the
/// model says; each output is named after its TensorFlow node and laid out as TensorFlow lays it out.
/// </para>
/// <para>
/// Ops: Placeholder, Const, Identity, Conv2D, DepthwiseConv2dNative and their fused forms (BiasAdd or
/// FusedBatchNorm, then Relu, Relu6, Prelu, LeakyRelu, Elu, Sigmoid or Tanh), MatMul and _FusedMatMul, BiasAdd,
/// element-wise arithmetic with broadcasting, activations, Rsqrt, Square, reductions (Sum, Mean, Max, Min,
/// Prod), Squeeze, ExpandDims, Reshape, ConcatV2, Pad, PadV2, MirrorPad, MaxPool, AvgPool, Softmax,
/// FusedBatchNorm, ResizeBilinear, ResizeNearestNeighbor and DepthToSpace. Any other op is refused with its
/// name, as is a model whose graph cannot be followed (a missing weight, an input that should be constant).
/// </para>
/// </summary>
internal sealed class TfjsGraphConverter
{
    private readonly TfjsGraphModel _model;
    private readonly OnnxGraphBuilder _g;
    private readonly Dictionary<string, Value> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _channelsLast = new(StringComparer.Ordinal);
    private int _constants;

    private TfjsGraphConverter(TfjsGraphModel model)
    {
        _model = model;
        _g = new OnnxGraphBuilder(Path.GetFileNameWithoutExtension(model.Path));
    }

    /// <summary>The ops the converter knows, for error messages and tests.</summary>
    public static IReadOnlySet<string> SupportedOps { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Placeholder", "Const", "Identity", "Snapshot", "StopGradient", "Cast", "NoOp",
        "Conv2D", "_FusedConv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative",
        "MatMul", "_FusedMatMul", "BiasAdd",
        "Add", "AddV2", "Sub", "Mul", "RealDiv", "Div", "Maximum", "Minimum", "SquaredDifference", "Pow", "AddN",
        "Relu", "Relu6", "Elu", "LeakyRelu", "Prelu", "Sigmoid", "Tanh", "Abs", "Neg", "Exp", "Log", "Sqrt",
        "Rsqrt", "Square", "Reciprocal", "Softmax",
        "Sum", "Mean", "Max", "Min", "Prod",
        "Squeeze", "ExpandDims", "Reshape", "ConcatV2", "Pad", "PadV2", "MirrorPad",
        "MaxPool", "AvgPool", "FusedBatchNorm", "FusedBatchNormV3",
        "ResizeBilinear", "ResizeNearestNeighbor", "DepthToSpace",
    };

    /// <summary>Converts the model at <paramref name="modelPath"/> (its <c>model.json</c>).</summary>
    public static byte[] Convert(string modelPath, IReadOnlyList<string>? outputs = null) =>
        Convert(TfjsGraphModel.Load(modelPath), outputs);

    /// <summary>
    /// Converts <paramref name="model"/>, keeping only what <paramref name="outputs"/> (node names) need; by
    /// default the outputs of the model's signature, or else every node nothing else reads.
    /// </summary>
    public static byte[] Convert(TfjsGraphModel model, IReadOnlyList<string>? outputs = null)
    {
        var wanted = outputs is { Count: > 0 } ? outputs
            : model.SignatureOutputs.Count > 0 ? model.SignatureOutputs
            : model.SinkNodes;
        return new TfjsGraphConverter(model).Run(wanted);
    }

    private byte[] Run(IReadOnlyList<string> outputs)
    {
        foreach (var node in Order(outputs)) _values[node.Name] = ConvertNode(node);
        foreach (var output in outputs)
        {
            var name = TfjsGraphModel.NodeOf(output);
            if (_values[name] is not Tensor tensor)
                throw Refuse(_model.Node(name), "is a constant and cannot be an output");
            _g.Output(_g.Name(ChannelsLast(tensor), name));
        }
        return _g.Build();
    }

    /// <summary>The nodes the outputs depend on, each after its inputs.</summary>
    private List<TfjsNode> Order(IReadOnlyList<string> outputs)
    {
        var order = new List<TfjsNode>();
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: in progress, true: done
        var stack = new Stack<(TfjsNode Node, bool Expanded)>();
        foreach (var output in outputs.Reverse())
            stack.Push((_model.Node(TfjsGraphModel.NodeOf(output)), false));
        while (stack.Count > 0)
        {
            var (node, expanded) = stack.Pop();
            if (expanded)
            {
                state[node.Name] = true;
                order.Add(node);
                continue;
            }
            if (state.TryGetValue(node.Name, out var done))
            {
                if (!done) throw new VisageException($"{_model.Path}: the graph has a cycle through node '{node.Name}'");
                continue;
            }
            state[node.Name] = false;
            stack.Push((node, true));
            foreach (var input in node.Inputs.Reverse())
            {
                var name = TfjsGraphModel.NodeOf(input);
                if (!_model.HasNode(name))
                    throw new VisageException($"{_model.Path}: node '{node.Name}' reads '{input}', which no node makes");
                if (!state.ContainsKey(name)) stack.Push((_model.Node(name), false));
                else if (!state[name])
                    throw new VisageException($"{_model.Path}: the graph has a cycle through node '{name}'");
            }
        }
        return order;
    }

    private Value ConvertNode(TfjsNode node) => node.Op switch
    {
        "Placeholder" => Placeholder(node),
        "Const" => new Constant(_model.Weights.Names.Contains(node.Name)
            ? _model.Weights[node.Name]
            : throw Refuse(node, "is a constant without a weight in the manifest")),
        "Identity" or "Snapshot" or "StopGradient" => Input(node, 0),
        "Cast" => node.Type("DstT") is null or "DT_FLOAT"
            ? Input(node, 0)
            : throw Refuse(node, $"casts to {node.Type("DstT")}; only float tensors are supported"),
        "Conv2D" or "_FusedConv2D" => Convolution(node, depthwise: false),
        "DepthwiseConv2dNative" or "FusedDepthwiseConv2dNative" => Convolution(node, depthwise: true),
        "MatMul" or "_FusedMatMul" => MatMul(node),
        "BiasAdd" => Elementwise(node, "Add", Input(node, 0), Input(node, 1)),
        "Add" or "AddV2" => Elementwise(node, "Add", Input(node, 0), Input(node, 1)),
        "Sub" => Elementwise(node, "Sub", Input(node, 0), Input(node, 1)),
        "Mul" => Elementwise(node, "Mul", Input(node, 0), Input(node, 1)),
        "RealDiv" or "Div" => Elementwise(node, "Div", Input(node, 0), Input(node, 1)),
        "Maximum" => Elementwise(node, "Max", Input(node, 0), Input(node, 1)),
        "Minimum" => Elementwise(node, "Min", Input(node, 0), Input(node, 1)),
        "Pow" => Elementwise(node, "Pow", Input(node, 0), Input(node, 1)),
        "SquaredDifference" => Square(Elementwise(node, "Sub", Input(node, 0), Input(node, 1))),
        "AddN" => Enumerable.Range(1, node.Inputs.Count - 1)
            .Aggregate(Input(node, 0), (sum, i) => Elementwise(node, "Add", sum, Input(node, i))),
        "Prelu" => Elementwise(node, "PRelu", Input(node, 0), Input(node, 1)),
        "Relu" or "Sigmoid" or "Tanh" or "Abs" or "Neg" or "Exp" or "Log" or "Sqrt" or "Reciprocal" =>
            Map(Activation(node, 0), x => _g.Unary(node.Op, x)),
        "Relu6" => Map(Activation(node, 0), x => _g.Clip(x, 0, 6)),
        "Elu" => Map(Activation(node, 0), x => _g.Elu(x)),
        "LeakyRelu" => Map(Activation(node, 0), x => _g.LeakyRelu(x, node.Number("alpha", 0.2f))),
        "Rsqrt" => Map(Activation(node, 0), x => _g.Unary("Reciprocal", _g.Unary("Sqrt", x))),
        "Square" => Square(Activation(node, 0)),
        "Softmax" => Softmax(Activation(node, 0)),
        "Sum" => Reduction(node, "ReduceSum"),
        "Mean" => Reduction(node, "ReduceMean"),
        "Max" => Reduction(node, "ReduceMax"),
        "Min" => Reduction(node, "ReduceMin"),
        "Prod" => Reduction(node, "ReduceProd"),
        "Squeeze" => Squeeze(node),
        "ExpandDims" => ExpandDims(node),
        "Reshape" => Reshape(node),
        "ConcatV2" => Concat(node),
        "Pad" or "PadV2" or "MirrorPad" => Pad(node),
        "MaxPool" => Pool(node, "MaxPool"),
        "AvgPool" => Pool(node, "AveragePool"),
        "FusedBatchNorm" or "FusedBatchNormV3" => BatchNorm(node),
        "ResizeBilinear" or "ResizeNearestNeighbor" => Resize(node),
        "DepthToSpace" => DepthToSpace(node),
        _ => throw new VisageException(
            $"{_model.Path}: op '{node.Op}' of node '{node.Name}' is not supported by the TensorFlow.js converter"),
    };

    // ---- values ----

    /// <summary>What a TensorFlow tensor became: a constant not yet placed in the graph, or an ONNX tensor.</summary>
    private abstract record Value;

    private sealed record Constant(TfjsTensor Tensor) : Value
    {
        public long[] Shape => Tensor.Shape.Select(d => (long)d).ToArray();
    }

    /// <summary>An ONNX tensor; <see cref="Shape"/> is TensorFlow's (channels last, -1 for the free batch).</summary>
    private sealed record Tensor(string Name, long[] Shape) : Value
    {
        public int Rank => Shape.Length;
    }

    private Value Input(TfjsNode node, int index)
    {
        if (index >= node.Inputs.Count) throw Refuse(node, $"has no input {index + 1}");
        var input = node.Inputs[index];
        var colon = input.LastIndexOf(':');
        if (colon > 0 && int.TryParse(input.AsSpan(colon + 1), out var output) && output != 0)
            throw Refuse(node, $"reads output {output} of '{TfjsGraphModel.NodeOf(input)}'; only first outputs are supported");
        return _values[TfjsGraphModel.NodeOf(input)];
    }

    private Tensor Activation(TfjsNode node, int index) => Input(node, index) switch
    {
        Tensor t => t,
        Constant c => Place(c.Tensor, c.Tensor.Shape.Count == 4),
        _ => throw new InvalidOperationException(),
    };

    private TfjsTensor ConstantInput(TfjsNode node, int index, string what) => Input(node, index) is Constant c
        ? c.Tensor
        : throw Refuse(node, $"needs a constant {what}");

    private static int[] Integers(TfjsTensor tensor) =>
        tensor.Integers ?? tensor.Values.Select(v => (int)v).ToArray();

    private VisageException Refuse(TfjsNode node, string problem) =>
        new($"{_model.Path}: node '{node.Name}' ({node.Op}) {problem}");

    /// <summary>A constant placed in the graph; with <paramref name="channelsFirst"/>, right-aligned to four axes and made NCHW.</summary>
    private Tensor Place(TfjsTensor tensor, bool channelsFirst)
    {
        var name = $"{tensor.Name}#{++_constants}";
        var shape = tensor.Shape.Select(d => (long)d).ToArray();
        if (!channelsFirst) return new Tensor(_g.Constant(name, tensor.Values, shape), shape);
        if (shape.Length > 4) throw new VisageException($"{_model.Path}: constant '{tensor.Name}' has more than four axes");
        var nhwc = Enumerable.Repeat(1L, 4 - shape.Length).Concat(shape).ToArray();
        var (n, h, w, c) = ((int)nhwc[0], (int)nhwc[1], (int)nhwc[2], (int)nhwc[3]);
        var values = new float[tensor.Values.Length];
        for (var b = 0; b < n; b++)
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        for (var ch = 0; ch < c; ch++)
            values[((b * c + ch) * h + y) * w + x] = tensor.Values[((b * h + y) * w + x) * c + ch];
        return new Tensor(_g.Constant(name, values, n, c, h, w), nhwc);
    }

    /// <summary>The tensor in TensorFlow's own axis order (four-axis tensors transposed back to NHWC).</summary>
    private string ChannelsLast(Tensor t)
    {
        if (t.Rank != 4) return t.Name;
        if (!_channelsLast.TryGetValue(t.Name, out var nhwc))
            _channelsLast[t.Name] = nhwc = _g.Transpose(t.Name, 0, 2, 3, 1);
        return nhwc;
    }

    /// <summary>A tensor given in TensorFlow's order, held as the converter holds tensors of its rank.</summary>
    private Tensor FromChannelsLast(string name, long[] shape) =>
        new(shape.Length == 4 ? _g.Transpose(name, 0, 3, 1, 2) : name, shape);

    /// <summary>Where TensorFlow's axis lies in the ONNX tensor.</summary>
    private static long OnnxAxis(int rank, long axis)
    {
        if (axis < 0) axis += rank;
        return rank == 4 ? axis switch { 0 => 0, 1 => 2, 2 => 3, _ => 1 } : axis;
    }

    private static Tensor Map(Tensor t, Func<string, string> op) => t with { Name = op(t.Name) };

    private Tensor Square(Tensor t) => t with { Name = _g.Binary("Mul", t.Name, t.Name) };

    // TensorFlow's softmax runs over the last axis, which is ONNX's axis 1 for a tensor held NCHW.
    private Tensor Softmax(Tensor t) => t with { Name = _g.Softmax(t.Name, t.Rank == 4 ? 1 : -1) };

    // ---- ops ----

    private Tensor Placeholder(TfjsNode node)
    {
        var shape = node.Shape("shape") ?? throw Refuse(node, "has no shape");
        if (shape.Count == 0) throw Refuse(node, "has no axes; only tensors with a batch axis are supported");
        var dims = shape.ToArray();
        dims[0] = -1;
        if (dims.Skip(1).Any(d => d < 0)) throw Refuse(node, "has a free axis other than the batch");
        var name = dims.Length == 4
            ? _g.Input(node.Name, dims[3], dims[1], dims[2])
            : _g.Input(node.Name, dims[1..]);
        return new Tensor(name, dims);
    }

    /// <summary>Element-wise arithmetic with TensorFlow's broadcasting (trailing axes aligned).</summary>
    private Tensor Elementwise(TfjsNode node, string op, Value a, Value b)
    {
        if (a is Constant && b is Constant) throw Refuse(node, "combines two constants, which is not supported");
        var shape = Broadcast(node, ShapeOf(a), ShapeOf(b));
        var channelsFirst = shape.Length == 4;
        var left = Operand(a, channelsFirst);
        var right = Operand(b, channelsFirst);
        return new Tensor(op == "PRelu" ? _g.PRelu(left, right) : _g.Binary(op, left, right), shape);
    }

    private static long[] ShapeOf(Value v) => v switch
    {
        Tensor t => t.Shape,
        Constant c => c.Shape,
        _ => throw new InvalidOperationException(),
    };

    /// <summary>An operand of a broadcast whose result has four axes (held NCHW) or fewer.</summary>
    private string Operand(Value v, bool channelsFirst)
    {
        switch (v)
        {
            case Constant c:
                return Place(c.Tensor, channelsFirst).Name;
            case Tensor t when !channelsFirst || t.Rank == 4:
                return t.Name;
            case Tensor t:
                // Fewer axes than the result: aligned on the right as TensorFlow does, then made NCHW.
                var aligned = _g.Unsqueeze(t.Name, Enumerable.Range(0, 4 - t.Rank).Select(i => (long)i).ToArray());
                return _g.Transpose(aligned, 0, 3, 1, 2);
            default:
                throw new InvalidOperationException();
        }
    }

    private long[] Broadcast(TfjsNode node, long[] a, long[] b)
    {
        var rank = Math.Max(a.Length, b.Length);
        var result = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            var x = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            var y = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            if (x != y && x != 1 && y != 1 && x != -1 && y != -1)
                throw Refuse(node, $"cannot broadcast [{string.Join(", ", a)}] with [{string.Join(", ", b)}]");
            result[i] = x == 1 ? y : y == 1 ? x : Math.Max(x, y);
        }
        return result;
    }

    private Tensor Convolution(TfjsNode node, bool depthwise)
    {
        var x = Activation(node, 0);
        if (x.Rank != 4) throw Refuse(node, $"convolves a tensor of {x.Rank} axes");
        RequireChannelsLast(node);
        var filter = ConstantInput(node, 1, "filter");
        if (filter.Shape.Count != 4) throw Refuse(node, "has a filter without four axes");
        int kh = filter.Shape[0], kw = filter.Shape[1], inputs = filter.Shape[2], fourth = filter.Shape[3];
        if (inputs != x.Shape[3])
            throw Refuse(node, $"has a filter for {inputs} channels, but its input has {x.Shape[3]}");

        var outputs = depthwise ? inputs * fourth : fourth;
        // A depthwise filter [kh, kw, in, multiplier] is a grouped convolution whose output channel
        // c * multiplier + m reads input channel c: read as [kh, kw, 1, in * multiplier] it is in ONNX's order.
        var weights = depthwise
            ? new TfjsTensor(filter.Name, [kh, kw, 1, outputs], filter.Values).ConvKernelOutInHeightWidth()
            : filter.ConvKernelOutInHeightWidth();
        var (strides, dilations) = (Pair(node, "strides"), Pair(node, "dilations"));
        var (pads, height, width) = Padding(node, x.Shape, (kh, kw), strides, dilations);

        var fused = node.Texts("fused_ops");
        float[]? bias = null;
        var next = 2;
        if (fused.Count > 0 && fused[0] == "BiasAdd")
        {
            bias = ConstantInput(node, next++, "bias").Values;
            fused = fused.Skip(1).ToList();
        }
        else if (fused.Count > 0 && fused[0] is "FusedBatchNorm" or "FusedBatchNormV3")
        {
            (weights, bias) = FoldBatchNorm(node, weights, outputs, next, node.Number("epsilon", 1e-3f));
            next += 4;
            fused = fused.Skip(1).ToList();
        }
        if (bias is not null && bias.Length != outputs) throw Refuse(node, $"has {bias.Length} biases for {outputs} channels");

        var y = _g.Convolution(x.Name, node.Name, weights, bias, [outputs, depthwise ? 1 : inputs, kh, kw],
            strides, pads, dilations, depthwise ? inputs : 1);
        var result = new Tensor(y, [x.Shape[0], height, width, outputs]);
        return FusedActivation(node, result, fused, next);
    }

    private (float[] Weights, float[] Bias) FoldBatchNorm(TfjsNode node, float[] weights, int outputs, int first,
        float epsilon)
    {
        var scale = ConstantInput(node, first, "scale").Values;
        var offset = ConstantInput(node, first + 1, "offset").Values;
        var mean = ConstantInput(node, first + 2, "mean").Values;
        var variance = ConstantInput(node, first + 3, "variance").Values;
        var perOutput = weights.Length / outputs;
        var folded = new float[weights.Length];
        var bias = new float[outputs];
        for (var o = 0; o < outputs; o++)
        {
            var factor = scale[o] / Math.Sqrt(variance[o] + epsilon);
            for (var i = 0; i < perOutput; i++) folded[o * perOutput + i] = (float)(weights[o * perOutput + i] * factor);
            bias[o] = (float)(offset[o] - mean[o] * factor);
        }
        return (folded, bias);
    }

    /// <summary>The activation a fused op applies after its bias (at most one).</summary>
    private Tensor FusedActivation(TfjsNode node, Tensor t, IReadOnlyList<string> fused, int nextInput)
    {
        if (fused.Count > 1) throw Refuse(node, $"fuses {string.Join(", ", fused)}; at most one activation is supported");
        if (fused.Count == 0) return t;
        return fused[0] switch
        {
            "Relu" or "Sigmoid" or "Tanh" => Map(t, x => _g.Unary(fused[0], x)),
            "Relu6" => Map(t, x => _g.Clip(x, 0, 6)),
            "Elu" => Map(t, x => _g.Elu(x)),
            "LeakyRelu" => Map(t, x => _g.LeakyRelu(x, node.Number("leakyrelu_alpha", 0.2f))),
            "Prelu" => Elementwise(node, "PRelu", t, Input(node, nextInput)),
            _ => throw Refuse(node, $"fuses the activation '{fused[0]}', which is not supported"),
        };
    }

    private void RequireChannelsLast(TfjsNode node)
    {
        var format = node.Text("data_format", "NHWC");
        if (format != "NHWC") throw Refuse(node, $"uses data format {format}; only NHWC is supported");
    }

    /// <summary>The height and width entries of a four-entry NHWC attribute (strides, dilations, ksize).</summary>
    private (int Height, int Width) Pair(TfjsNode node, string attribute)
    {
        var values = node.Integers(attribute);
        if (values.Count == 0) return (1, 1);
        if (values.Count != 4 || values[0] != 1 || values[3] != 1)
            throw Refuse(node, $"has {attribute} [{string.Join(", ", values)}]; only spatial ones are supported");
        return ((int)values[1], (int)values[2]);
    }

    /// <summary>TensorFlow's padding (SAME puts the odd cell at the end), and the output's height and width.</summary>
    private ((int Top, int Left, int Bottom, int Right) Pads, long Height, long Width) Padding(TfjsNode node,
        long[] shape, (int Height, int Width) kernel, (int Height, int Width) strides, (int Height, int Width) dilations)
    {
        var padding = node.Text("padding", "VALID");
        var (top, bottom) = Along(shape[1], kernel.Height, strides.Height, dilations.Height, 1);
        var (left, right) = Along(shape[2], kernel.Width, strides.Width, dilations.Width, 2);
        var height = (shape[1] + top + bottom - ((kernel.Height - 1) * dilations.Height + 1)) / strides.Height + 1;
        var width = (shape[2] + left + right - ((kernel.Width - 1) * dilations.Width + 1)) / strides.Width + 1;
        if (height <= 0 || width <= 0) throw Refuse(node, "leaves nothing of its input");
        return (((int)top, (int)left, (int)bottom, (int)right), height, width);

        (long Before, long After) Along(long size, int k, int stride, int dilation, int axis)
        {
            switch (padding)
            {
                case "VALID":
                    return (0, 0);
                case "SAME":
                    var output = (size + stride - 1) / stride;
                    var total = Math.Max((output - 1) * stride + (k - 1) * dilation + 1 - size, 0);
                    return (total / 2, total - total / 2);
                case "EXPLICIT":
                    var explicitPads = node.Integers("explicit_paddings");
                    if (explicitPads.Count != 8) throw Refuse(node, "has explicit padding without 8 entries");
                    return (explicitPads[2 * axis], explicitPads[2 * axis + 1]);
                default:
                    throw Refuse(node, $"has padding '{padding}', which is not supported");
            }
        }
    }

    private Tensor MatMul(TfjsNode node)
    {
        var a = Activation(node, 0);
        if (a.Rank != 2) throw Refuse(node, $"multiplies a tensor of {a.Rank} axes; only matrices are supported");
        if (node.Flag("transpose_a")) throw Refuse(node, "transposes its first operand, which is not supported");
        var transposeB = node.Flag("transpose_b");
        var fused = node.Texts("fused_ops");
        var next = 2;

        Tensor product;
        if (Input(node, 1) is Constant c)
        {
            if (c.Tensor.Shape.Count != 2) throw Refuse(node, "has a weight matrix without two axes");
            var (inputs, outputs) = transposeB ? (c.Tensor.Shape[1], c.Tensor.Shape[0]) : (c.Tensor.Shape[0], c.Tensor.Shape[1]);
            if (inputs != a.Shape[1]) throw Refuse(node, $"has a {inputs}-row matrix for {a.Shape[1]} inputs");
            float[]? bias = null;
            if (fused.Count > 0 && fused[0] == "BiasAdd")
            {
                bias = ConstantInput(node, next++, "bias").Values;
                fused = fused.Skip(1).ToList();
            }
            var weights = transposeB ? c.Tensor.Values : c.Tensor.MatrixOutIn();
            product = new Tensor(_g.Dense(a.Name, node.Name, weights, bias, outputs, inputs), [a.Shape[0], outputs]);
        }
        else
        {
            var b = Activation(node, 1);
            var right = transposeB ? _g.Transpose(b.Name, 1, 0) : b.Name;
            product = new Tensor(_g.MatMul(a.Name, right), [a.Shape[0], transposeB ? b.Shape[0] : b.Shape[1]]);
            if (fused.Count > 0 && fused[0] == "BiasAdd")
            {
                product = Elementwise(node, "Add", product, Input(node, next++));
                fused = fused.Skip(1).ToList();
            }
        }
        return FusedActivation(node, product, fused, next);
    }

    private Tensor Reduction(TfjsNode node, string op)
    {
        var x = Activation(node, 0);
        var axes = Integers(ConstantInput(node, 1, "list of axes"))
            .Select(a => a < 0 ? a + x.Rank : a).Distinct().Order().ToArray();
        if (axes.Any(a => a < 0 || a >= x.Rank)) throw Refuse(node, "reduces an axis the tensor does not have");
        var keep = node.Flag("keep_dims");
        var reduced = _g.Reduce(op, x.Name, axes.Select(a => OnnxAxis(x.Rank, a)).ToArray(), keep);
        if (keep) return new Tensor(reduced, x.Shape.Select((d, i) => axes.Contains(i) ? 1 : d).ToArray());
        return Dropped(reduced, x, axes);
    }

    /// <summary>The ONNX tensor left when <paramref name="axes"/> of <paramref name="x"/> are gone, in TensorFlow's order.</summary>
    private Tensor Dropped(string onnx, Tensor x, int[] axes)
    {
        var shape = x.Shape.Where((_, i) => !axes.Contains(i)).ToArray();
        if (x.Rank != 4) return new Tensor(onnx, shape);
        // The ONNX tensor keeps the remaining axes in NCHW order; TensorFlow keeps them in NHWC order.
        var held = new[] { 0, 3, 1, 2 }.Where(a => !axes.Contains(a)).ToList();
        var wanted = held.Order().ToList();
        if (held.SequenceEqual(wanted)) return new Tensor(onnx, shape);
        return new Tensor(_g.Transpose(onnx, wanted.Select(a => (long)held.IndexOf(a)).ToArray()), shape);
    }

    private Tensor Squeeze(TfjsNode node)
    {
        var x = Activation(node, 0);
        var listed = node.Integers("squeeze_dims");
        if (listed.Count == 0) listed = node.Integers("axis");
        var axes = (listed.Count > 0
                ? listed.Select(a => (int)(a < 0 ? a + x.Rank : a))
                : Enumerable.Range(0, x.Rank).Where(i => x.Shape[i] == 1))
            .Distinct().Order().ToArray();
        if (axes.Any(a => a < 0 || a >= x.Rank || x.Shape[a] != 1))
            throw Refuse(node, $"squeezes an axis of [{string.Join(", ", x.Shape)}] that is not of size 1");
        var squeezed = _g.Squeeze(x.Name, axes.Select(a => OnnxAxis(x.Rank, a)).ToArray());
        return Dropped(squeezed, x, axes);
    }

    private Tensor ExpandDims(TfjsNode node)
    {
        var x = Activation(node, 0);
        var axis = Integers(ConstantInput(node, 1, "axis")).Single();
        if (axis < 0) axis += x.Rank + 1;
        var shape = x.Shape.Take(axis).Append(1).Concat(x.Shape.Skip(axis)).ToArray();
        return FromChannelsLast(_g.Unsqueeze(ChannelsLast(x), axis), shape);
    }

    private Tensor Reshape(TfjsNode node)
    {
        var x = Activation(node, 0);
        var target = Integers(ConstantInput(node, 1, "shape")).Select(d => (long)d).ToArray();
        var onnxTarget = (long[])target.Clone();
        var shape = (long[])target.Clone();
        var batchFree = x.Shape[0] == -1;
        if (batchFree && target.Length > 0 && target[0] is 1 or -1)
        {
            // The batch stays first: a hard-coded 1 becomes "copy the input's batch".
            onnxTarget[0] = 0;
            shape[0] = -1;
            var perItem = x.Shape.Skip(1).Aggregate(1L, (p, d) => p * d);
            var known = target.Skip(1).Where(d => d != -1).Aggregate(1L, (p, d) => p * d);
            for (var i = 1; i < shape.Length; i++)
                if (shape[i] == -1) shape[i] = perItem / known;
            if (shape.Skip(1).Aggregate(1L, (p, d) => p * d) != perItem)
                throw Refuse(node, $"reshapes [{string.Join(", ", x.Shape)}] into [{string.Join(", ", target)}]");
        }
        else if (batchFree)
        {
            throw Refuse(node, $"reshapes across the batch (to [{string.Join(", ", target)}]), which is not supported");
        }
        // [n, c, 1, 1] and [n, 1, h, w] hold their values in NHWC order already.
        var source = x.Rank == 4 && (x.Shape[1] == 1 && x.Shape[2] == 1 || x.Shape[3] == 1) ? x.Name : ChannelsLast(x);
        var reshaped = _g.Reshape(source, shape.Length == 4 ? NhwcOf(onnxTarget, shape) : onnxTarget);
        if (shape.Length != 4) return new Tensor(reshaped, shape);
        // A four-axis result is built as NHWC and then held as NCHW.
        return new Tensor(_g.Transpose(reshaped, 0, 3, 1, 2), shape);

        static long[] NhwcOf(long[] onnx, long[] resolved) => [onnx[0], resolved[1], resolved[2], resolved[3]];
    }

    private Tensor Concat(TfjsNode node)
    {
        var count = node.Inputs.Count - 1;
        var axis = Integers(ConstantInput(node, count, "axis")).Single();
        var parts = Enumerable.Range(0, count).Select(i => Input(node, i)).ToList();
        var rank = parts.Select(p => ShapeOf(p).Length).Max();
        if (parts.Any(p => ShapeOf(p).Length != rank)) throw Refuse(node, "joins tensors of different ranks");
        if (axis < 0) axis += rank;
        var names = parts.Select(p => p is Constant c ? Place(c.Tensor, rank == 4).Name : ((Tensor)p).Name).ToArray();
        var shape = (long[])ShapeOf(parts[0]).Clone();
        shape[axis] = parts.Sum(p => ShapeOf(p)[axis]);
        return new Tensor(_g.Concat(OnnxAxis(rank, axis), names), shape);
    }

    private Tensor Pad(TfjsNode node)
    {
        var x = Activation(node, 0);
        var paddings = Integers(ConstantInput(node, 1, "padding"));
        if (paddings.Length != 2 * x.Rank) throw Refuse(node, $"has {paddings.Length} padding entries for {x.Rank} axes");
        var value = node.Op == "PadV2" ? ConstantInput(node, 2, "padding value").Values.Single() : 0f;
        var mode = node.Op != "MirrorPad" ? "constant"
            : node.Text("mode") == "REFLECT" ? "reflect"
            : throw Refuse(node, $"mirrors in mode '{node.Text("mode")}'; only REFLECT is supported");
        var pads = new long[2 * x.Rank];
        var shape = (long[])x.Shape.Clone();
        for (var a = 0; a < x.Rank; a++)
        {
            var at = OnnxAxis(x.Rank, a);
            pads[at] = paddings[2 * a];
            pads[x.Rank + at] = paddings[2 * a + 1];
            if (shape[a] >= 0) shape[a] += paddings[2 * a] + paddings[2 * a + 1];
        }
        if (x.Shape[0] == -1 && (paddings[0] != 0 || paddings[1] != 0)) throw Refuse(node, "pads the batch axis");
        return new Tensor(_g.Pad(x.Name, pads, value, mode), shape);
    }

    private Tensor Pool(TfjsNode node, string op)
    {
        var x = Activation(node, 0);
        if (x.Rank != 4) throw Refuse(node, $"pools a tensor of {x.Rank} axes");
        RequireChannelsLast(node);
        var kernel = Pair(node, "ksize");
        var strides = Pair(node, "strides");
        var (pads, height, width) = Padding(node, x.Shape, kernel, strides, (1, 1));
        return new Tensor(_g.Pool(op, x.Name, kernel, strides, pads), [x.Shape[0], height, width, x.Shape[3]]);
    }

    private Tensor BatchNorm(TfjsNode node)
    {
        var x = Activation(node, 0);
        if (x.Rank != 4) throw Refuse(node, $"normalises a tensor of {x.Rank} axes");
        RequireChannelsLast(node);
        var norm = new BatchNormWeights(ConstantInput(node, 1, "scale").Values, ConstantInput(node, 2, "offset").Values,
            ConstantInput(node, 3, "mean").Values, ConstantInput(node, 4, "variance").Values,
            node.Number("epsilon", 1e-3f));
        return x with { Name = _g.BatchNorm(x.Name, node.Name, norm) };
    }

    private Tensor Resize(TfjsNode node)
    {
        var x = Activation(node, 0);
        if (x.Rank != 4) throw Refuse(node, $"resizes a tensor of {x.Rank} axes");
        var size = Integers(ConstantInput(node, 1, "size"));
        if (size.Length != 2 || size.Any(s => s <= 0)) throw Refuse(node, "needs a size of two positive numbers");
        var alignCorners = node.Flag("align_corners");
        var halfPixel = node.Flag("half_pixel_centers");
        var resized = node.Op == "ResizeBilinear"
            ? _g.Resize(x.Name, size[0], size[1], "linear",
                alignCorners ? "align_corners" : halfPixel ? "half_pixel" : "asymmetric")
            : _g.Resize(x.Name, size[0], size[1], "nearest",
                alignCorners ? "align_corners" : halfPixel ? "tf_half_pixel_for_nn" : "asymmetric",
                alignCorners ? "round_prefer_ceil" : "floor");
        return new Tensor(resized, [x.Shape[0], size[0], size[1], x.Shape[3]]);
    }

    private Tensor DepthToSpace(TfjsNode node)
    {
        var x = Activation(node, 0);
        if (x.Rank != 4) throw Refuse(node, $"rearranges a tensor of {x.Rank} axes");
        RequireChannelsLast(node);
        var block = (int)node.Integer("block_size");
        if (block < 2 || x.Shape[3] % (block * block) != 0)
            throw Refuse(node, $"has block size {block} for {x.Shape[3]} channels");
        // TensorFlow's NHWC DepthToSpace reads channel (i * block + j) * C + c for cell (i, j): ONNX's DCR order.
        return new Tensor(_g.DepthToSpace(x.Name, block),
            [x.Shape[0], x.Shape[1] * block, x.Shape[2] * block, x.Shape[3] / (block * block)]);
    }
}

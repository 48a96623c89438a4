using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Visage.Models.Onnx;

/// <summary>
/// Builds an ONNX graph of the layers face networks are made of (convolution, batch normalisation or
/// per-channel scale, activation, residual sums, padding, pooling, concatenation, dense, normalisation)
/// from weights held in memory, so networks published in other formats can run on ONNX Runtime.
/// Tensors are float32, channels first, with a free batch dimension. Each method adds one step and
/// returns the name of its output.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private const int Opset = 13;
    private readonly GraphProto _graph;
    private int _counter;

    public OnnxGraphBuilder(string graphName)
    {
        _graph = new GraphProto { Name = graphName };
    }

    /// <summary>Number of weights stored in the graph so far.</summary>
    public long ParameterCount { get; private set; }

    /// <summary>A float input of shape [batch, dims...].</summary>
    public string Input(string name, params long[] dims)
    {
        _graph.Input.Add(ValueInfo(name, dims));
        return name;
    }

    /// <summary>Declares a graph output; <paramref name="dims"/> (after the batch) may be omitted for intermediates.</summary>
    public void Output(string tensor, params long[] dims) => _graph.Output.Add(ValueInfo(tensor, dims));

    public string Weights(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        Constant(name, values, dims);
        ParameterCount += values.Length;
        return name;
    }

    /// <summary>A float tensor stored in the graph that is not a learned weight (not counted as a parameter).</summary>
    public string Constant(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var expected = dims.Aggregate(1L, (a, b) => a * b);
        if (expected != values.Length)
            throw new ArgumentException($"{name}: {values.Length} values for shape [{string.Join(",", dims)}]");
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>A one-axis int64 tensor stored in the graph (shapes, axes, paddings).</summary>
    public string Int64s(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>
    /// A 2-D convolution; weights are [out, in, kh, kw]. <paramref name="padding"/> rows and columns of zeros
    /// are added on every side of the input (none by default).
    /// </summary>
    public string Conv(string x, string name, float[] weights, float[] bias, int outChannels, int inChannels,
        int kernelHeight, int kernelWidth, int stride = 1, int padding = 0)
    {
        var w = Weights($"{name}.weight", weights, outChannels, inChannels, kernelHeight, kernelWidth);
        var b = Weights($"{name}.bias", bias, outChannels);
        return Node("Conv", name, [x, w, b],
            Ints("kernel_shape", kernelHeight, kernelWidth),
            Ints("strides", stride, stride),
            Ints("pads", padding, padding, padding, padding));
    }

    /// <summary>
    /// A convolution followed by a per-channel affine map y * scale[c] + shift[c] (a "scale" layer, as in
    /// Caffe and dlib), folded into one convolution: w' = w * scale, b' = b * scale + shift.
    /// </summary>
    public string ConvChannelAffine(string x, string name, float[] weights, float[] bias, int outChannels,
        int inChannels, int kernelHeight, int kernelWidth, float[] scale, float[] shift, int stride = 1,
        int padding = 0)
    {
        if (scale.Length != outChannels || shift.Length != outChannels || bias.Length != outChannels)
            throw new ArgumentException(
                $"{name}: bias, scale and shift need {outChannels} values, not {bias.Length}, {scale.Length}, {shift.Length}");
        var perOut = inChannels * kernelHeight * kernelWidth;
        if (weights.Length != (long)outChannels * perOut)
            throw new ArgumentException(
                $"{name}: {weights.Length} weights for [{outChannels},{inChannels},{kernelHeight},{kernelWidth}]");
        var foldedWeights = new float[weights.Length];
        var foldedBias = new float[outChannels];
        for (var o = 0; o < outChannels; o++)
        {
            for (var i = 0; i < perOut; i++)
                foldedWeights[o * perOut + i] = weights[o * perOut + i] * scale[o];
            foldedBias[o] = bias[o] * scale[o] + shift[o];
        }
        var node = Conv(x, name, foldedWeights, foldedBias, outChannels, inChannels, kernelHeight, kernelWidth,
            stride, padding);
        // The stored model holds the folded tensors, but the count is of the network as published.
        ParameterCount += 2L * outChannels;
        return node;
    }

    /// <summary>
    /// A convolution followed by inference-mode batch normalisation, folded into one convolution:
    /// w' = w * gamma / sqrt(var + eps), b' = (b - mean) * gamma / sqrt(var + eps) + beta, exact up to rounding.
    /// </summary>
    public string ConvBatchNorm(string x, string name, float[] weights, float[] bias, int outChannels,
        int inChannels, int kernelHeight, int kernelWidth, BatchNormWeights norm, int stride = 1)
    {
        if (norm.Gamma.Length != outChannels)
            throw new ArgumentException($"{name}: batch norm of {norm.Gamma.Length} channels after {outChannels}");
        var perOut = inChannels * kernelHeight * kernelWidth;
        var foldedWeights = new float[weights.Length];
        var foldedBias = new float[outChannels];
        for (var o = 0; o < outChannels; o++)
        {
            var factor = norm.Gamma[o] / Math.Sqrt(norm.Variance[o] + norm.Epsilon);
            for (var i = 0; i < perOut; i++)
                foldedWeights[o * perOut + i] = (float)(weights[o * perOut + i] * factor);
            foldedBias[o] = (float)((bias[o] - norm.Mean[o]) * factor + norm.Beta[o]);
        }
        var node = Conv(x, name, foldedWeights, foldedBias, outChannels, inChannels, kernelHeight, kernelWidth, stride);
        // The stored model holds the folded tensors, but the count is of the network as published.
        ParameterCount += 4L * outChannels;
        return node;
    }

    public string BatchNorm(string x, string name, BatchNormWeights norm)
    {
        var channels = norm.Gamma.Length;
        var inputs = new[]
        {
            x,
            Weights($"{name}.gamma", norm.Gamma, channels),
            Weights($"{name}.beta", norm.Beta, channels),
            Weights($"{name}.mean", norm.Mean, channels),
            Weights($"{name}.var", norm.Variance, channels),
        };
        return Node("BatchNormalization", name, inputs, Float("epsilon", norm.Epsilon));
    }

    public string Relu(string x) => Node("Relu", null, [x]);

    /// <summary>The element-wise sum of two tensors of one shape (a residual connection).</summary>
    public string Add(string a, string b) => Node("Add", null, [a, b]);

    /// <summary>(x - mean[c]) / divisor[c] for each channel c: input normalisation inside the graph.</summary>
    public string NormalizeChannels(string x, string name, float[] mean, float[] divisor)
    {
        if (mean.Length != divisor.Length)
            throw new ArgumentException($"{name}: {mean.Length} means but {divisor.Length} divisors");
        var m = Constant($"{name}.mean", mean, mean.Length, 1, 1);
        var d = Constant($"{name}.divisor", divisor, divisor.Length, 1, 1);
        var centred = Node("Sub", $"{name}.sub", [x, m]);
        return Node("Div", name, [centred, d]);
    }

    /// <summary>Zero padding of the two spatial axes.</summary>
    public string ZeroPad(string x, int top, int left, int bottom, int right)
    {
        if (top == 0 && left == 0 && bottom == 0 && right == 0) return x;
        var pads = Int64s(NextName("pads"), 0, 0, top, left, 0, 0, bottom, right);
        return Node("Pad", null, [x, pads]);
    }

    public string ZeroPad(string x, int all) => ZeroPad(x, all, all, all, all);

    /// <summary>Appends <paramref name="count"/> channels of zeros after the existing ones.</summary>
    public string ZeroPadChannels(string x, int count)
    {
        if (count == 0) return x;
        var pads = Int64s(NextName("pads"), 0, 0, 0, 0, 0, count, 0, 0);
        return Node("Pad", null, [x, pads]);
    }

    public string MaxPool(string x, int kernel, int stride) =>
        Node("MaxPool", null, [x], Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride));

    public string AveragePool(string x, int kernel, int stride) =>
        Node("AveragePool", null, [x], Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride));

    /// <summary>The mean of each channel over the spatial axes: [batch, c, h, w] to [batch, c, 1, 1].</summary>
    public string GlobalAveragePool(string x) => Node("GlobalAveragePool", null, [x]);

    public string Concat(params string[] xs) => Node("Concat", null, xs, Int("axis", 1));

    public string Flatten(string x) => Node("Flatten", null, [x], Int("axis", 1));

    /// <summary>A fully connected layer; weights are [out, in] row-major; a null bias means none.</summary>
    public string Dense(string x, string name, float[] weights, float[]? bias, int outputs, int inputs)
    {
        var w = Weights($"{name}.weight", weights, outputs, inputs);
        if (bias is null) return Node("Gemm", name, [x, w], Int("transB", 1));
        var b = Weights($"{name}.bias", bias, outputs);
        return Node("Gemm", name, [x, w, b], Int("transB", 1));
    }

    /// <summary>Scales each row to unit Euclidean length.</summary>
    public string L2Normalize(string x) => Node("LpNormalization", null, [x], Int("axis", 1), Int("p", 2));

    /// <summary>Renames a tensor (an Identity node), for naming graph outputs.</summary>
    public string Name(string x, string name) => Node("Identity", null, [x], output: name);

    /// <summary>
    /// A 2-D convolution of any kernel, stride, dilation and grouping; weights are [out, in / group, kh, kw],
    /// <paramref name="pads"/> are top, left, bottom, right; a null bias means none.
    /// </summary>
    public string Convolution(string x, string name, float[] weights, float[]? bias, long[] weightDims,
        (int Height, int Width) strides, (int Top, int Left, int Bottom, int Right) pads,
        (int Height, int Width) dilations, int group = 1)
    {
        var w = Weights($"{name}.weight", weights, weightDims);
        List<string> inputs = [x, w];
        if (bias is not null) inputs.Add(Weights($"{name}.bias", bias, weightDims[0]));
        return Node("Conv", name, inputs,
            Ints("kernel_shape", weightDims[2], weightDims[3]),
            Ints("strides", strides.Height, strides.Width),
            Ints("dilations", dilations.Height, dilations.Width),
            Ints("pads", pads.Top, pads.Left, pads.Bottom, pads.Right),
            Int("group", group));
    }

    /// <summary>Max or average pooling (<paramref name="op"/> is MaxPool or AveragePool); padded cells never count.</summary>
    public string Pool(string op, string x, (int Height, int Width) kernel, (int Height, int Width) strides,
        (int Top, int Left, int Bottom, int Right) pads)
    {
        if (op is not ("MaxPool" or "AveragePool")) throw new ArgumentException($"{op} is not a pooling", nameof(op));
        return Node(op, null, [x],
            Ints("kernel_shape", kernel.Height, kernel.Width),
            Ints("strides", strides.Height, strides.Width),
            Ints("pads", pads.Top, pads.Left, pads.Bottom, pads.Right));
    }

    /// <summary>An element-wise operation of one tensor (Relu, Sigmoid, Tanh, Abs, Neg, Exp, Log, Sqrt, Reciprocal, ...).</summary>
    public string Unary(string op, string x) => Node(op, null, [x]);

    /// <summary>An element-wise operation of two tensors, with broadcasting (Add, Sub, Mul, Div, Max, Min, Pow).</summary>
    public string Binary(string op, string a, string b) => Node(op, null, [a, b]);

    /// <summary>x where x &gt;= 0, slope * x elsewhere; the slope broadcasts to x.</summary>
    public string PRelu(string x, string slope) => Node("PRelu", null, [x, slope]);

    public string LeakyRelu(string x, float alpha) => Node("LeakyRelu", null, [x], Float("alpha", alpha));

    public string Elu(string x, float alpha = 1f) => Node("Elu", null, [x], Float("alpha", alpha));

    /// <summary>Values limited to [min, max].</summary>
    public string Clip(string x, float min, float max) =>
        Node("Clip", null, [x, Constant(NextName("clip_min"), [min]), Constant(NextName("clip_max"), [max])]);

    /// <summary>The axes permuted: output axis i is input axis perm[i].</summary>
    public string Transpose(string x, params long[] perm) => Node("Transpose", null, [x], Ints("perm", perm));

    /// <summary>A new shape of the same values; 0 copies the input's size on that axis, -1 is inferred.</summary>
    public string Reshape(string x, params long[] shape) => Node("Reshape", null, [x, Int64s(NextName("shape"), shape)]);

    public string Squeeze(string x, params long[] axes) => Node("Squeeze", null, [x, Int64s(NextName("axes"), axes)]);

    public string Unsqueeze(string x, params long[] axes) => Node("Unsqueeze", null, [x, Int64s(NextName("axes"), axes)]);

    /// <summary>A reduction (ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd) over the given axes.</summary>
    public string Reduce(string op, string x, long[] axes, bool keepDims)
    {
        // From opset 13 ReduceSum takes its axes as an input; the others keep them as an attribute until opset 18.
        if (op == "ReduceSum")
            return Node(op, null, [x, Int64s(NextName("axes"), axes)], Int("keepdims", keepDims ? 1 : 0));
        return Node(op, null, [x], Ints("axes", axes), Int("keepdims", keepDims ? 1 : 0));
    }

    /// <summary>
    /// Padding of every axis: <paramref name="pads"/> holds each axis's count before, then each one's after, as
    /// ONNX orders them; <paramref name="mode"/> is constant (with <paramref name="value"/>), reflect or edge.
    /// </summary>
    public string Pad(string x, long[] pads, float value = 0f, string mode = "constant")
    {
        if (pads.All(p => p == 0)) return x;
        List<string> inputs = [x, Int64s(NextName("pads"), pads)];
        if (mode == "constant") inputs.Add(Constant(NextName("pad_value"), [value]));
        return Node("Pad", null, inputs, Text("mode", mode));
    }

    public string Concat(long axis, params string[] xs) => Node("Concat", null, xs, Int("axis", axis));

    public string Softmax(string x, long axis) => Node("Softmax", null, [x], Int("axis", axis));

    public string MatMul(string a, string b) => Node("MatMul", null, [a, b]);

    /// <summary>Channels moved into space: [n, c * b * b, h, w] to [n, c, h * b, w * b], depth-column-row order.</summary>
    public string DepthToSpace(string x, int blockSize) =>
        Node("DepthToSpace", null, [x], Int("blocksize", blockSize), Text("mode", "DCR"));

    /// <summary>
    /// Resizes the two spatial axes of a [n, c, h, w] tensor to <paramref name="height"/> x <paramref name="width"/>
    /// (the batch and channels taken from the input at run time). <paramref name="mode"/> is linear or nearest;
    /// <paramref name="coordinates"/> one of ONNX's coordinate transformation modes.
    /// </summary>
    public string Resize(string x, int height, int width, string mode, string coordinates, string nearestMode = "floor")
    {
        var shape = Node("Shape", null, [x]);
        var leading = Node("Slice", null, [shape, Int64s(NextName("starts"), 0), Int64s(NextName("ends"), 2)]);
        var sizes = Concat(0, leading, Int64s(NextName("size"), height, width));
        return Node("Resize", null, [x, "", "", sizes],
            Text("mode", mode), Text("coordinate_transformation_mode", coordinates), Text("nearest_mode", nearestMode));
    }

    /// <summary>An identity step: the same tensor under a new name.</summary>
    public string Identity(string x) => Node("Identity", null, [x]);

    public byte[] Build()
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "Visage",
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model.ToByteArray();
    }

    private string Node(string op, string? name, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
        Node(op, name, inputs, null, attributes);

    private string Node(string op, string? name, IEnumerable<string> inputs, string? output,
        params AttributeProto[] attributes)
    {
        var nodeName = name ?? NextName(op.ToLowerInvariant());
        output ??= $"{nodeName}:out";
        var node = new NodeProto { OpType = op, Name = nodeName };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    private string NextName(string prefix) => $"{prefix}_{++_counter}";

    private static ValueInfoProto ValueInfo(string name, long[] dims)
    {
        if (dims.Length == 0)
        {
            return new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            };
        }
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Text(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    private static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };
}

using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Visage.Execution;

/// <summary>Rewrites of ONNX graphs into equivalent forms (see <see cref="GraphRewrite"/>).</summary>
internal static class OnnxRewrites
{
    /// <summary>Whether <paramref name="rewrite"/> changes anything in the graph.</summary>
    public static bool AppliesTo(ModelProto model, GraphRewrite rewrite) => rewrite switch
    {
        GraphRewrite.None => true,
        GraphRewrite.PReluAsDepthwise => ChannelPRelus(model.Graph).Any(),
        GraphRewrite.ZeroConcatAsPad => ZeroConcats(model.Graph).Any(),
        _ => false,
    };

    public static byte[] Apply(byte[] onnx, GraphRewrite rewrite) => rewrite switch
    {
        GraphRewrite.None => onnx,
        GraphRewrite.PReluAsDepthwise => PReluAsDepthwise(onnx),
        GraphRewrite.ZeroConcatAsPad => ZeroConcatAsPad(onnx),
        _ => throw new ArgumentOutOfRangeException(nameof(rewrite), rewrite, "unknown rewrite"),
    };

    /// <summary>
    /// y = s x + (1 - s) relu(x) for every PReLU whose slope is a constant per channel. Where every slope is at
    /// most 1, (1 - s) relu(x) = relu((1 - s) x): the ReLU follows the depthwise convolution, so ONNX Runtime runs
    /// it inside that convolution instead of as a pass of its own (a tenth of faceplugin's encoder). A slope
    /// above 1 keeps the ReLU before the convolution.
    /// </summary>
    private static byte[] PReluAsDepthwise(byte[] onnx)
    {
        var model = ModelProto.Parser.ParseFrom(onnx);
        var graph = model.Graph;
        var slopes = ChannelPRelus(graph).ToDictionary(p => p.Node, p => p.Slope);
        var nodes = graph.Node.ToList();
        graph.Node.Clear();
        var n = 0;
        foreach (var node in nodes)
        {
            if (!slopes.TryGetValue(node, out var slope))
            {
                graph.Node.Add(node);
                continue;
            }
            var prefix = $"visage_prelu{n++}";
            var x = node.Input[0];
            var linear = Weights(graph, $"{prefix}_s", slope);
            var rectified = Weights(graph, $"{prefix}_1ms", slope.Select(s => 1 - s).ToArray());
            if (slope.All(v => v <= 1))
            {
                graph.Node.Add(Depthwise($"{prefix}_scaled", x, rectified, slope.Length));
                graph.Node.Add(Node("Relu", $"{prefix}_rx", [$"{prefix}_scaled"]));
            }
            else
            {
                graph.Node.Add(Node("Relu", $"{prefix}_relu", [x]));
                graph.Node.Add(Depthwise($"{prefix}_rx", $"{prefix}_relu", rectified, slope.Length));
            }
            graph.Node.Add(Depthwise($"{prefix}_sx", x, linear, slope.Length));
            graph.Node.Add(Node("Add", node.Output[0], [$"{prefix}_sx", $"{prefix}_rx"], node.Name));
        }

        // Slopes no longer used go, with their entries among the inputs (older exports list initializers there).
        var used = graph.Node.SelectMany(v => v.Input).ToHashSet(StringComparer.Ordinal);
        foreach (var unused in graph.Initializer.Where(i => !used.Contains(i.Name)).ToList())
        {
            graph.Initializer.Remove(unused);
            foreach (var input in graph.Input.Where(i => i.Name == unused.Name).ToList()) graph.Input.Remove(input);
        }
        return model.ToByteArray();
    }

    /// <summary>Concat(x, ConstantOfShape(shape) of zeros) along one axis as Pad(x) at the end of that axis.</summary>
    private static byte[] ZeroConcatAsPad(byte[] onnx)
    {
        var model = ModelProto.Parser.ParseFrom(onnx);
        var graph = model.Graph;
        var concats = ZeroConcats(graph).ToDictionary(c => c.Node);
        var opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(1).Max();
        var nodes = graph.Node.ToList();
        graph.Node.Clear();
        var n = 0;
        foreach (var node in nodes)
        {
            if (!concats.TryGetValue(node, out var concat))
            {
                graph.Node.Add(node);
                continue;
            }
            var rank = concat.Shape.Length;
            var pads = new long[2 * rank];
            pads[rank + concat.Axis] = concat.Shape[concat.Axis];
            NodeProto pad;
            if (opset >= 11)
            {
                var name = $"visage_pad{n++}";
                var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
                tensor.Dims.Add(pads.Length);
                tensor.Int64Data.AddRange(pads);
                graph.Initializer.Add(tensor);
                pad = Node("Pad", node.Output[0], [node.Input[0], name], node.Name);
            }
            else
            {
                pad = Node("Pad", node.Output[0], [node.Input[0]], node.Name);
                pad.Attribute.Add(new AttributeProto { Name = "pads", Type = AttributeProto.Types.AttributeType.Ints, Ints = { pads } });
            }
            graph.Node.Add(pad);
        }

        // Zero tensors (and their shapes) no longer read go.
        var used = graph.Node.SelectMany(v => v.Input).Concat(graph.Output.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var unused in graph.Node.Where(v => v.OpType == "ConstantOfShape" && !used.Contains(v.Output[0])).ToList())
            graph.Node.Remove(unused);
        used = graph.Node.SelectMany(v => v.Input).ToHashSet(StringComparer.Ordinal);
        foreach (var unused in graph.Initializer.Where(i => !used.Contains(i.Name)).ToList())
        {
            graph.Initializer.Remove(unused);
            foreach (var input in graph.Input.Where(i => i.Name == unused.Name).ToList()) graph.Input.Remove(input);
        }
        return model.ToByteArray();
    }

    /// <summary>
    /// Concats of two inputs whose second is a float ConstantOfShape of zeros with a constant shape: what
    /// they pad (the zeros' shape) and along which axis (made non-negative).
    /// </summary>
    private static IEnumerable<(NodeProto Node, long[] Shape, int Axis)> ZeroConcats(GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var zeros = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(v => v.OpType == "ConstantOfShape" && v.Input.Count == 1))
        {
            if (!initializers.TryGetValue(node.Input[0], out var shape) ||
                shape.DataType != (int)TensorProto.Types.DataType.Int64) continue;
            var value = node.Attribute.FirstOrDefault(a => a.Name == "value")?.T;
            // Without a value attribute ConstantOfShape makes float zeros.
            if (value is not null && (value.DataType != (int)TensorProto.Types.DataType.Float || FloatValues(value).Any(v => v != 0)))
                continue;
            zeros[node.Output[0]] = shape.Int64Data.Count > 0
                ? shape.Int64Data.ToArray()
                : MemoryMarshal.Cast<byte, long>(shape.RawData.Span).ToArray();
        }
        foreach (var node in graph.Node)
        {
            if (node.OpType != "Concat" || node.Input.Count != 2 || !zeros.TryGetValue(node.Input[1], out var padShape)) continue;
            var axis = (int)(node.Attribute.FirstOrDefault(a => a.Name == "axis")?.I ?? 0);
            if (axis < 0) axis += padShape.Length;
            if (axis < 0 || axis >= padShape.Length) continue;
            yield return (node, padShape, axis);
        }
    }

    private static float[] FloatValues(TensorProto tensor) => tensor.FloatData.Count > 0
        ? tensor.FloatData.ToArray()
        : MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();

    private static IEnumerable<(NodeProto Node, float[] Slope)> ChannelPRelus(GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            if (node.OpType != "PRelu" || node.Input.Count != 2) continue;
            if (!initializers.TryGetValue(node.Input[1], out var slope)) continue;
            if (slope.DataType != (int)TensorProto.Types.DataType.Float) continue;
            var values = slope.FloatData.Count > 0
                ? slope.FloatData.ToArray()
                : MemoryMarshal.Cast<byte, float>(slope.RawData.Span).ToArray();
            var dims = slope.Dims.ToArray();
            // Per channel of an NCHW tensor: [C], [C,1,1] or [1,C,1,1].
            var perChannel = values.Length > 1 && (dims.Length == 1 ||
                                                   (dims.Length == 3 && dims[1] == 1 && dims[2] == 1) ||
                                                   (dims.Length == 4 && dims[0] == 1 && dims[2] == 1 && dims[3] == 1));
            if (perChannel) yield return (node, values);
        }
    }

    private static string Weights(GraphProto graph, string name, float[] perChannel)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange([perChannel.Length, 1, 1, 1]);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(perChannel.AsSpan()));
        graph.Initializer.Add(tensor);
        return name;
    }

    private static NodeProto Depthwise(string output, string x, string weights, int channels)
    {
        var node = Node("Conv", output, [x, weights]);
        node.Attribute.Add(new AttributeProto { Name = "group", Type = AttributeProto.Types.AttributeType.Int, I = channels });
        node.Attribute.Add(new AttributeProto { Name = "kernel_shape", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 1, 1 } });
        return node;
    }

    private static NodeProto Node(string op, string output, string[] inputs, string? name = null)
    {
        var node = new NodeProto { OpType = op, Name = name is { Length: > 0 } ? name : output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }
}

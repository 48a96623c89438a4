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
        GraphRewrite.ZeroConcatAsSplitConv => ZeroConcats(model.Graph).Any() && SplitConvs(model.Clone()),
        _ => false,
    };

    public static byte[] Apply(byte[] onnx, GraphRewrite rewrite) => rewrite switch
    {
        GraphRewrite.None => onnx,
        GraphRewrite.PReluAsDepthwise => PReluAsDepthwise(onnx),
        GraphRewrite.ZeroConcatAsPad => ZeroConcatAsPad(onnx),
        GraphRewrite.ZeroConcatAsSplitConv => ZeroConcatAsSplitConv(onnx),
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
        RemoveUnused(graph);
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

        // Zero tensors (and what made their shapes) no longer read go.
        RemoveUnused(graph);
        return model.ToByteArray();
    }

    /// <summary>The graph with its zero-padded residual blocks split; a graph the rewrite does not fit, as it was.</summary>
    private static byte[] ZeroConcatAsSplitConv(byte[] onnx)
    {
        var model = ModelProto.Parser.ParseFrom(onnx);
        return SplitConvs(model) ? model.ToByteArray() : onnx;
    }

    /// <summary>
    /// Rewrites <paramref name="model"/> in place (see <see cref="GraphRewrite.ZeroConcatAsSplitConv"/>); false,
    /// with the model left half-written, where the graph is not made only of what the rewrite knows: every
    /// tensor that carries extra zero channels may only reach convolutions (whose weights take the zero
    /// channels), ReLUs, max pools and sums of tensors padded alike.
    /// </summary>
    private static bool SplitConvs(ModelProto model)
    {
        const int Alignment = 8;
        var graph = model.Graph;
        var concats = ZeroConcats(graph).Where(c => c.Axis == 1 && c.Shape.Length == 4).ToDictionary(c => c.Node.Output[0], StringComparer.Ordinal);
        if (concats.Count == 0) return false;
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var uses = graph.Node.SelectMany(v => v.Input).Concat(graph.Output.Select(o => o.Name))
            .GroupBy(x => x, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        foreach (var output in node.Output)
            producers[output] = node;
        var consumers = graph.Node.SelectMany(v => v.Input.Select(i => (Input: i, Node: v)))
            .ToLookup(p => p.Input, p => p.Node, StringComparer.Ordinal);

        // relu(conv(x) + concat(r, zeros)): the conv (1x1, one group, its output read only by the sum) and the
        // ReLU that alone reads the sum.
        var blocks = new Dictionary<NodeProto, (NodeProto Conv, string Shortcut, int ShortcutChannels, NodeProto Relu)>();
        foreach (var add in graph.Node.Where(v => v.OpType == "Add" && v.Input.Count == 2))
        {
            for (var k = 0; k < 2; k++)
            {
                if (!concats.TryGetValue(add.Input[k], out var concat) || uses.GetValueOrDefault(add.Input[k]) != 1) continue;
                if (!producers.TryGetValue(add.Input[1 - k], out var conv) || conv.OpType != "Conv" ||
                    uses.GetValueOrDefault(conv.Output[0]) != 1 || Group(conv) != 1 ||
                    Weights4(initializers, conv.Input[1]) is not { } weights || weights.Dims[2] != 1 || weights.Dims[3] != 1 ||
                    conv.Attribute.Any(a => a.Name is "strides" or "pads" or "dilations" && a.Ints.Any(v => v != (a.Name == "pads" ? 0 : 1))))
                    continue;
                if (uses.GetValueOrDefault(add.Output[0]) != 1 || consumers[add.Output[0]].Single() is not { OpType: "Relu" } relu) continue;
                var shortcutChannels = weights.Dims[0] - (int)concat.Shape[1];
                if (shortcutChannels < 1) continue;
                blocks[add] = (conv, concat.Node.Input[0], shortcutChannels, relu);
            }
        }
        if (blocks.Count == 0) return false;
        var skipped = blocks.Values.SelectMany(b => new[] { b.Conv, b.Relu })
            .Concat(blocks.Keys.SelectMany(add => add.Input).Where(concats.ContainsKey).Select(i => concats[i].Node))
            .ToHashSet();

        // The zero channels each tensor carries after its true ones.
        var extra = new Dictionary<string, int>(StringComparer.Ordinal);
        int Extra(string tensor) => extra.GetValueOrDefault(tensor);
        var nodes = graph.Node.ToList();
        graph.Node.Clear();
        var n = 0;
        foreach (var node in nodes)
        {
            if (skipped.Contains(node)) continue;
            if (blocks.TryGetValue(node, out var block))
            {
                var prefix = $"visage_split{n++}";
                var weights = Weights4(initializers, block.Conv.Input[1])!;
                var rows = weights.Dims[0];
                var bias = block.Conv.Input.Count > 2
                    ? (initializers.TryGetValue(block.Conv.Input[2], out var b) ? FloatValues(b) : null)
                    : new float[rows];
                if (bias is null || bias.Length != rows) return false;
                var padded = PadInputs(weights, Extra(block.Conv.Input[0]));
                var shortcut = block.ShortcutChannels + Extra(block.Shortcut);
                var aligned = (rows + Alignment - 1) / Alignment * Alignment;
                if (shortcut > rows) return false;
                var relu = block.Relu.Output[0];
                var sum = Conv(block.Conv, $"{prefix}_a", Rows(graph, $"{prefix}_wa", padded, 0, shortcut),
                    Vector(graph, $"{prefix}_ba", bias, 0, shortcut));
                graph.Node.Add(sum);
                graph.Node.Add(Node("Add", $"{prefix}_sum", [sum.Output[0], block.Shortcut]));
                if (shortcut == aligned)
                {
                    graph.Node.Add(Node("Relu", relu, [$"{prefix}_sum"]));
                }
                else
                {
                    graph.Node.Add(Node("Relu", $"{prefix}_ra", [$"{prefix}_sum"]));
                    var rest = Conv(block.Conv, $"{prefix}_b", Rows(graph, $"{prefix}_wb", padded, shortcut, aligned),
                        Vector(graph, $"{prefix}_bb", bias, shortcut, aligned));
                    graph.Node.Add(rest);
                    graph.Node.Add(Node("Relu", $"{prefix}_rb", [rest.Output[0]]));
                    var joined = Node("Concat", relu, [$"{prefix}_ra", $"{prefix}_rb"]);
                    joined.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
                    graph.Node.Add(joined);
                }
                extra[relu] = aligned - rows;
                continue;
            }

            var carried = node.Input.Where(i => i.Length > 0).Select(Extra).ToArray();
            switch (node.OpType)
            {
                case "Relu" or "MaxPool" when node.Output.Count == 1:
                    extra[node.Output[0]] = carried[0];
                    break;
                case "Add" when carried.Distinct().Count() == 1:
                    extra[node.Output[0]] = carried[0];
                    break;
                case "Conv" when carried[0] > 0:
                {
                    if (Weights4(initializers, node.Input[1]) is not { } weights) return false;
                    var group = Group(node);
                    if (group == 1)
                    {
                        node.Input[1] = Store(graph, $"visage_split_w{n++}", PadInputs(weights, carried[0]));
                        break;
                    }
                    if (group != weights.Dims[0] || weights.Dims[1] != 1) return false;
                    // Depthwise: zero kernels for the zero channels, which stay zero (and without bias).
                    var kernels = PadRows(weights, weights.Dims[0] + carried[0]);
                    node.Input[1] = Store(graph, $"visage_split_w{n++}", kernels);
                    if (node.Input.Count > 2)
                    {
                        if (!initializers.TryGetValue(node.Input[2], out var dwBias)) return false;
                        node.Input[2] = Store(graph, $"visage_split_b{n++}",
                            new FloatTensor(Vector(FloatValues(dwBias), 0, kernels.Dims[0]), [kernels.Dims[0]]));
                    }
                    node.Attribute.Single(a => a.Name == "group").I = kernels.Dims[0];
                    extra[node.Output[0]] = carried[0];
                    break;
                }
                case "Conv":
                    break;
                default:
                    if (carried.Any(e => e > 0)) return false;
                    break;
            }
            graph.Node.Add(node);
        }
        if (graph.Output.Any(o => Extra(o.Name) > 0)) return false;
        // Intermediate shapes recorded by the export no longer hold for the widened tensors.
        graph.ValueInfo.Clear();
        RemoveUnused(graph);
        return true;
    }

    private sealed record FloatTensor(float[] Values, int[] Dims);

    private static FloatTensor? Weights4(Dictionary<string, TensorProto> initializers, string name) =>
        initializers.TryGetValue(name, out var t) && t.DataType == (int)TensorProto.Types.DataType.Float && t.Dims.Count == 4
            ? new FloatTensor(FloatValues(t), t.Dims.Select(d => (int)d).ToArray())
            : null;

    private static long Group(NodeProto node) => node.Attribute.FirstOrDefault(a => a.Name == "group")?.I ?? 1;

    /// <summary>OIHW weights with <paramref name="extra"/> zero input channels after the others.</summary>
    private static FloatTensor PadInputs(FloatTensor w, int extra)
    {
        if (extra == 0) return w;
        var (o, i, k) = (w.Dims[0], w.Dims[1], w.Dims[2] * w.Dims[3]);
        var values = new float[o * (i + extra) * k];
        for (var r = 0; r < o; r++)
            Array.Copy(w.Values, r * i * k, values, r * (i + extra) * k, i * k);
        return new FloatTensor(values, [o, i + extra, w.Dims[2], w.Dims[3]]);
    }

    /// <summary>OIHW weights cut or zero-extended to <paramref name="rows"/> output channels.</summary>
    private static FloatTensor PadRows(FloatTensor w, int rows) => Rows(w, 0, rows);

    private static FloatTensor Rows(FloatTensor w, int from, int to)
    {
        var row = w.Values.Length / w.Dims[0];
        var values = new float[(to - from) * row];
        var available = Math.Max(0, Math.Min(to, w.Dims[0]) - from);
        Array.Copy(w.Values, from * row, values, 0, available * row);
        return new FloatTensor(values, [to - from, .. w.Dims[1..]]);
    }

    private static string Rows(GraphProto graph, string name, FloatTensor w, int from, int to) =>
        Store(graph, name, Rows(w, from, to));

    private static float[] Vector(float[] values, int from, int to)
    {
        var result = new float[to - from];
        Array.Copy(values, from, result, 0, Math.Max(0, Math.Min(to, values.Length) - from));
        return result;
    }

    private static string Vector(GraphProto graph, string name, float[] values, int from, int to) =>
        Store(graph, name, new FloatTensor(Vector(values, from, to), [to - from]));

    private static string Store(GraphProto graph, string name, FloatTensor tensor)
    {
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        proto.Dims.AddRange(tensor.Dims.Select(d => (long)d));
        proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(tensor.Values.AsSpan()));
        graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>A copy of <paramref name="conv"/> with other weights and bias, writing <paramref name="output"/>.</summary>
    private static NodeProto Conv(NodeProto conv, string output, string weights, string bias)
    {
        var node = conv.Clone();
        node.Name = output;
        node.Input.Clear();
        node.Input.AddRange([conv.Input[0], weights, bias]);
        node.Output.Clear();
        node.Output.Add(output);
        return node;
    }

    /// <summary>Nodes whose outputs nothing reads, and initializers no node reads (with their graph inputs), go.</summary>
    private static void RemoveUnused(GraphProto graph)
    {
        bool removed;
        do
        {
            var read = graph.Node.SelectMany(v => v.Input).Concat(graph.Output.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
            var dead = graph.Node.Where(v => v.Output.All(o => !read.Contains(o))).ToList();
            foreach (var node in dead) graph.Node.Remove(node);
            removed = dead.Count > 0;
        } while (removed);
        var used = graph.Node.SelectMany(v => v.Input).ToHashSet(StringComparer.Ordinal);
        foreach (var unused in graph.Initializer.Where(i => !used.Contains(i.Name)).ToList())
        {
            graph.Initializer.Remove(unused);
            foreach (var input in graph.Input.Where(i => i.Name == unused.Name).ToList()) graph.Input.Remove(input);
        }
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
            var values = FloatValues(slope);
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

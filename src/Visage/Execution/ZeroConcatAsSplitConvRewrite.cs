using Google.Protobuf;
using Onnx;
using static Visage.Execution.OnnxGraphEdit;

namespace Visage.Execution;

/// <summary>The rewrite <see cref="GraphRewrite.ZeroConcatAsSplitConv"/>, written for BlazeFace's residual blocks.</summary>
internal static class ZeroConcatAsSplitConvRewrite
{
    public static bool AppliesTo(ModelProto model) => ZeroConcats(model.Graph).Any() && SplitConvs(model.Clone());

    /// <summary>The graph with its zero-padded residual blocks split; a graph the rewrite does not fit, as it was.</summary>
    public static byte[] Apply(byte[] onnx)
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
}

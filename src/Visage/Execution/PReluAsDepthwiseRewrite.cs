using Google.Protobuf;
using Onnx;
using static Visage.Execution.OnnxGraphEdit;

namespace Visage.Execution;

/// <summary>The rewrite <see cref="GraphRewrite.PReluAsDepthwise"/>.</summary>
internal static class PReluAsDepthwiseRewrite
{
    public static bool AppliesTo(ModelProto model) => ChannelPRelus(model.Graph).Any();

    /// <summary>
    /// y = s x + (1 - s) relu(x) for every PReLU whose slope is a constant per channel. Where every slope is at
    /// most 1, (1 - s) relu(x) = relu((1 - s) x): the ReLU follows the depthwise convolution, so ONNX Runtime runs
    /// it inside that convolution instead of as a pass of its own (a tenth of faceplugin's encoder). A slope
    /// above 1 keeps the ReLU before the convolution.
    /// </summary>
    public static byte[] Apply(byte[] onnx)
    {
        var model = ModelProto.Parser.ParseFrom(onnx);
        var graph = model.Graph;
        var slopes = ChannelPRelus(graph).ToDictionary(p => p.Node, p => p.Slope);
        var n = 0;
        // Slopes no longer used go afterwards, with their entries among the inputs (older exports list initializers there).
        ReplaceNodes(graph, node =>
        {
            if (!slopes.TryGetValue(node, out var slope)) return null;
            var prefix = $"visage_prelu{n++}";
            var x = node.Input[0];
            var linear = Weights(graph, $"{prefix}_s", slope);
            var rectified = Weights(graph, $"{prefix}_1ms", slope.Select(s => 1 - s).ToArray());
            NodeProto[] rectifiedPart = slope.All(v => v <= 1)
                ? [Depthwise($"{prefix}_scaled", x, rectified, slope.Length), Node("Relu", $"{prefix}_rx", [$"{prefix}_scaled"])]
                : [Node("Relu", $"{prefix}_relu", [x]), Depthwise($"{prefix}_rx", $"{prefix}_relu", rectified, slope.Length)];
            return [.. rectifiedPart, Depthwise($"{prefix}_sx", x, linear, slope.Length),
                Node("Add", node.Output[0], [$"{prefix}_sx", $"{prefix}_rx"], node.Name)];
        });
        return model.ToByteArray();
    }

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

    private static string Weights(GraphProto graph, string name, float[] perChannel) =>
        Store(graph, name, new FloatTensor(perChannel, [perChannel.Length, 1, 1, 1]));

    private static NodeProto Depthwise(string output, string x, string weights, int channels)
    {
        var node = Node("Conv", output, [x, weights]);
        node.Attribute.Add(new AttributeProto { Name = "group", Type = AttributeProto.Types.AttributeType.Int, I = channels });
        node.Attribute.Add(new AttributeProto { Name = "kernel_shape", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 1, 1 } });
        return node;
    }
}

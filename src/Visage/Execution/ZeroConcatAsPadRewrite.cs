using Google.Protobuf;
using Onnx;
using static Visage.Execution.OnnxGraphEdit;

namespace Visage.Execution;

/// <summary>The rewrite <see cref="GraphRewrite.ZeroConcatAsPad"/>.</summary>
internal static class ZeroConcatAsPadRewrite
{
    public static bool AppliesTo(ModelProto model) => ZeroConcats(model.Graph).Any();

    /// <summary>Concat(x, ConstantOfShape(shape) of zeros) along one axis as Pad(x) at the end of that axis.</summary>
    public static byte[] Apply(byte[] onnx)
    {
        var model = ModelProto.Parser.ParseFrom(onnx);
        var graph = model.Graph;
        var concats = ZeroConcats(graph).ToDictionary(c => c.Node);
        var opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(1).Max();
        var n = 0;
        // Zero tensors (and what made their shapes) no longer read go afterwards.
        ReplaceNodes(graph, node =>
        {
            if (!concats.TryGetValue(node, out var concat)) return null;
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
            return [pad];
        });
        return model.ToByteArray();
    }
}

using Google.Protobuf;
using Onnx;

namespace Visage.Models;

/// <summary>
/// The packs' networks were exported with a fixed batch of one. This rewrites a model so its first
/// dimension is free: graph inputs and outputs get a symbolic batch dimension, and Reshape targets
/// that hard-code the batch (a leading 1) copy it from their input instead (0 in ONNX Reshape).
/// Inferred shapes are dropped so ONNX Runtime infers them anew.
/// </summary>
internal static class OnnxBatching
{
    public static byte[] MakeBatchDynamic(byte[] onnxModel)
    {
        var model = ModelProto.Parser.ParseFrom(onnxModel);
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(i => i.Name);

        foreach (var node in graph.Node.Where(n => n.OpType == "Reshape" && n.Input.Count > 1))
        {
            if (!initializers.TryGetValue(node.Input[1], out var shape)) continue;
            var dims = ReadInt64s(shape);
            if (dims.Length == 0 || dims[0] != 1) continue;
            dims[0] = 0;
            WriteInt64s(shape, dims);
        }

        foreach (var value in graph.Input.Concat(graph.Output))
        {
            var tensorShape = value.Type?.TensorType?.Shape;
            if (tensorShape is null || tensorShape.Dim.Count == 0) continue;
            tensorShape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = "batch" };
        }
        graph.ValueInfo.Clear();
        return model.ToByteArray();
    }

    private static long[] ReadInt64s(TensorProto tensor)
    {
        if (tensor.Int64Data.Count > 0) return tensor.Int64Data.ToArray();
        var raw = tensor.RawData.Span;
        var values = new long[raw.Length / sizeof(long)];
        for (var i = 0; i < values.Length; i++)
            values[i] = BitConverter.ToInt64(raw.Slice(i * sizeof(long), sizeof(long)));
        return values;
    }

    private static void WriteInt64s(TensorProto tensor, long[] values)
    {
        tensor.Int64Data.Clear();
        tensor.RawData = ByteString.CopyFrom(values.SelectMany(BitConverter.GetBytes).ToArray());
    }
}

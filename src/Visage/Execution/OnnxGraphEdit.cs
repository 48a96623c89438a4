using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Visage.Execution;

/// <summary>Graph editing that several rewrites share (see <see cref="OnnxRewrites"/>).</summary>
internal static class OnnxGraphEdit
{
    public sealed record FloatTensor(float[] Values, int[] Dims);

    public static string Store(GraphProto graph, string name, FloatTensor tensor)
    {
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        proto.Dims.AddRange(tensor.Dims.Select(d => (long)d));
        proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(tensor.Values.AsSpan()));
        graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>
    /// Each node that <paramref name="replace"/> answers for (null: the node stays as it is) swapped, in place, for
    /// the nodes it returns; then what nothing reads any more goes (<see cref="RemoveUnused"/>).
    /// </summary>
    public static void ReplaceNodes(GraphProto graph, Func<NodeProto, NodeProto[]?> replace)
    {
        var nodes = graph.Node.ToList();
        graph.Node.Clear();
        foreach (var node in nodes) graph.Node.AddRange(replace(node) ?? [node]);
        RemoveUnused(graph);
    }

    /// <summary>Nodes whose outputs nothing reads, and initializers no node reads (with their graph inputs), go.</summary>
    public static void RemoveUnused(GraphProto graph)
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
    public static IEnumerable<(NodeProto Node, long[] Shape, int Axis)> ZeroConcats(GraphProto graph)
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

    public static float[] FloatValues(TensorProto tensor) => tensor.FloatData.Count > 0
        ? tensor.FloatData.ToArray()
        : MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();

    public static NodeProto Node(string op, string output, string[] inputs, string? name = null)
    {
        var node = new NodeProto { OpType = op, Name = name is { Length: > 0 } ? name : output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }
}

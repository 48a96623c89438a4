using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Visage.Models.Tfjs;

/// <summary>
/// Undoes a fusion that TensorFlow.js's converter gets wrong, so a graph reads as its network was trained.
/// <para>
/// TensorFlow has no PReLU op: a network trained with one (MobileFaceNet) writes it as
/// <c>relu(x) + alpha * (x - |x|)</c>, with Relu, Abs and Sub all reading the convolution's output x. When x
/// comes from a depthwise convolution, the converter folds that Relu into the convolution
/// (<c>fused_ops: BiasAdd, Relu</c>) and points Abs, Sub and the final Add at the fused node, which now gives
/// relu(x). For it <c>x - |x|</c> is zero everywhere, so every such PReLU silently becomes a ReLU (TensorFlow.js
/// itself runs the file so) and the network's learned negative slopes are lost (human-models' MobileFaceNet has
/// 16 such layers).
/// </para>
/// <para>
/// The pattern is unambiguous: a fused Relu whose output feeds <c>Add(F, Mul(Sub(F, Abs(F)), alpha))</c>, with
/// alpha a constant, computes that Mul as zero, which no trained graph does on purpose. Each one found is
/// rewritten: the convolution loses its fused Relu, a Relu node of its own takes its place for every reader
/// but Abs and Sub, and Abs and Sub read the convolution before the activation, as in the graph that was
/// trained.
/// </para>
/// </summary>
internal static class MisfusedPrelu
{
    private static readonly HashSet<string> FusedConvolutions =
        new(StringComparer.Ordinal) { "_FusedConv2D", "FusedDepthwiseConv2dNative", "_FusedDepthwiseConv2dNative" };

    /// <summary>
    /// The nodes with each misfused PReLU rewritten (see the class), and the names of the convolutions that were;
    /// the same nodes when there is none.
    /// </summary>
    public static (IReadOnlyList<TfjsNode> Nodes, IReadOnlyList<string> Repaired) Repair(IReadOnlyList<TfjsNode> nodes)
    {
        var byName = new Dictionary<string, TfjsNode>(StringComparer.Ordinal);
        var readers = new Dictionary<string, List<TfjsNode>>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            byName.TryAdd(node.Name, node);
            foreach (var input in node.Inputs.Select(TfjsGraphModel.NodeOf).Distinct(StringComparer.Ordinal))
            {
                if (!readers.TryGetValue(input, out var list)) readers[input] = list = [];
                list.Add(node);
            }
        }

        // For each misfused convolution: the Abs and Sub that must read its value before the Relu.
        var repairs = new Dictionary<string, (TfjsNode Abs, TfjsNode Sub)>(StringComparer.Ordinal);
        foreach (var node in nodes)
            if (Match(node, byName, readers) is { } prelu) repairs[node.Name] = prelu;
        if (repairs.Count == 0) return (nodes, []);

        var taken = new HashSet<string>(byName.Keys, StringComparer.Ordinal);
        var reluOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in repairs.Keys)
        {
            var relu = $"{name}/Relu";
            for (var i = 1; !taken.Add(relu); i++) relu = $"{name}/Relu_{i}";
            reluOf[name] = relu;
        }

        var result = new List<TfjsNode>(nodes.Count + repairs.Count);
        foreach (var node in nodes)
        {
            var keepsPreActivation = repairs.Values.Any(r => ReferenceEquals(r.Abs, node) || ReferenceEquals(r.Sub, node));
            var rewired = keepsPreActivation
                ? node
                : node with { Inputs = node.Inputs.Select(i => reluOf.GetValueOrDefault(TfjsGraphModel.NodeOf(i), i)).ToList() };
            if (!repairs.ContainsKey(node.Name))
            {
                result.Add(rewired);
                continue;
            }
            result.Add(rewired with { Attributes = WithoutTrailingRelu(node.Attributes) });
            result.Add(new TfjsNode(reluOf[node.Name], "Relu", [node.Name], default));
        }
        return (result, repairs.Keys.ToList());
    }

    private static (TfjsNode Abs, TfjsNode Sub)? Match(TfjsNode conv, Dictionary<string, TfjsNode> byName,
        Dictionary<string, List<TfjsNode>> readers)
    {
        if (!FusedConvolutions.Contains(conv.Op)) return null;
        var fused = conv.Texts("fused_ops");
        if (fused.Count == 0 || fused[^1] != "Relu" || !readers.TryGetValue(conv.Name, out var convReaders)) return null;

        foreach (var abs in convReaders.Where(r => r.Op == "Abs" && Reads(r, 0, conv.Name)))
        foreach (var sub in convReaders.Where(r => r.Op == "Sub" && Reads(r, 0, conv.Name) && Reads(r, 1, abs.Name)))
        foreach (var mul in readers.GetValueOrDefault(sub.Name, []).Where(r => r.Op == "Mul" && r.Inputs.Count == 2))
        {
            var alpha = TfjsGraphModel.NodeOf(mul.Inputs[Reads(mul, 0, sub.Name) ? 1 : 0]);
            if (!byName.TryGetValue(alpha, out var constant) || constant.Op != "Const") continue;
            var add = readers.GetValueOrDefault(mul.Name, []).FirstOrDefault(r => r.Op is "Add" or "AddV2"
                && r.Inputs.Count == 2
                && (Reads(r, 0, conv.Name) && Reads(r, 1, mul.Name) || Reads(r, 0, mul.Name) && Reads(r, 1, conv.Name)));
            if (add is not null) return (abs, sub);
        }
        return null;
    }

    private static bool Reads(TfjsNode node, int index, string name) =>
        index < node.Inputs.Count && node.Inputs[index] is var input
        && TfjsGraphModel.NodeOf(input) == name && (input == name || input == $"{name}:0");

    private static JsonElement WithoutTrailingRelu(JsonElement attributes)
    {
        var copy = JsonNode.Parse(attributes.GetRawText())!.AsObject();
        var list = copy["fused_ops"]!["list"]!["s"]!.AsArray();
        var last = list[^1]!.GetValue<string>();
        if (Encoding.UTF8.GetString(Convert.FromBase64String(last)) != "Relu")
            throw new InvalidOperationException("the last fused op is not Relu");
        list.RemoveAt(list.Count - 1);
        return JsonSerializer.SerializeToElement(copy);
    }
}

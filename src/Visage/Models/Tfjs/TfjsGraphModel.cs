using System.Text.Json;
using Visage.Models.FaceApi;

namespace Visage.Models.Tfjs;

/// <summary>
/// A TensorFlow.js graph model (<c>model.json</c> with <c>"format": "graph-model"</c>): the nodes of its
/// TensorFlow graph, its weights (read from the <c>.bin</c> shards its weight manifest names, beside it)
/// and the outputs its signature declares. Malformed files are a <see cref="VisageException"/> naming them.
/// </summary>
internal sealed class TfjsGraphModel
{
    private readonly Dictionary<string, TfjsNode> _nodes;

    private TfjsGraphModel(string path, IReadOnlyList<TfjsNode> nodes, TfjsWeights weights, IReadOnlyList<string> outputs)
    {
        Path = path;
        (Nodes, RepairedPrelus) = MisfusedPrelu.Repair(nodes);
        Weights = weights;
        SignatureOutputs = outputs;
        _nodes = new Dictionary<string, TfjsNode>(StringComparer.Ordinal);
        foreach (var node in Nodes)
            if (!_nodes.TryAdd(node.Name, node))
                throw new VisageException($"{path}: node '{node.Name}' is defined twice");
    }

    public string Path { get; }

    /// <summary>The graph's nodes, with the PReLUs TensorFlow.js's converter misfused read as trained (<see cref="MisfusedPrelu"/>).</summary>
    public IReadOnlyList<TfjsNode> Nodes { get; }

    /// <summary>The convolutions whose misfused PReLU was repaired on loading; empty for most models.</summary>
    public IReadOnlyList<string> RepairedPrelus { get; }

    public TfjsWeights Weights { get; }

    /// <summary>The node names of the signature's outputs (without the <c>:0</c> of the tensor); empty when it has none.</summary>
    public IReadOnlyList<string> SignatureOutputs { get; }

    /// <summary>The nodes whose output no other node reads: the model's outputs when its signature names none.</summary>
    public IReadOnlyList<string> SinkNodes
    {
        get
        {
            var read = Nodes.SelectMany(n => n.Inputs).Select(NodeOf).ToHashSet(StringComparer.Ordinal);
            return Nodes.Where(n => n.Op is not ("Const" or "Placeholder" or "NoOp") && !read.Contains(n.Name))
                .Select(n => n.Name).ToList();
        }
    }

    public TfjsNode Node(string name) => _nodes.TryGetValue(name, out var node)
        ? node
        : throw new VisageException($"{Path}: no node named '{name}'");

    public bool HasNode(string name) => _nodes.ContainsKey(name);

    /// <summary>The node a tensor name refers to: <c>a/b:1</c> and <c>^a/b</c> (a control input) are of node <c>a/b</c>.</summary>
    public static string NodeOf(string tensor)
    {
        var name = tensor.StartsWith('^') ? tensor[1..] : tensor;
        var colon = name.LastIndexOf(':');
        return colon > 0 && int.TryParse(name.AsSpan(colon + 1), out _) ? name[..colon] : name;
    }

    public static TfjsGraphModel Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new VisageException($"{path}: no such TensorFlow.js model");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VisageException($"{path}: cannot read TensorFlow.js model ({e.Message})");
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new FormatException("the top level is not an object");
            var format = root.TryGetProperty("format", out var f) ? f.GetString() : null;
            if (format is not null && format != "graph-model")
                throw new FormatException($"its format is '{format}', not 'graph-model'");
            if (!root.TryGetProperty("modelTopology", out var topology) || !topology.TryGetProperty("node", out var nodeList))
                throw new FormatException("it has no modelTopology.node list");
            if (!root.TryGetProperty("weightsManifest", out var manifest))
                throw new FormatException("it has no weightsManifest");

            var nodes = nodeList.EnumerateArray().Select(ParseNode).ToList();
            var outputs = SignatureOutputNames(root);
            var weights = TfjsWeights.FromGroups(path, manifest.Clone());
            return new TfjsGraphModel(path, nodes, weights, outputs);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw new VisageException($"{path}: not a TensorFlow.js graph model ({e.Message})");
        }
    }

    private static TfjsNode ParseNode(JsonElement element)
    {
        var name = element.GetProperty("name").GetString() ?? throw new FormatException("a node has no name");
        var op = element.GetProperty("op").GetString() ?? throw new FormatException($"node '{name}' has no op");
        var inputs = element.TryGetProperty("input", out var list)
            ? list.EnumerateArray().Select(i => i.GetString() ?? "").Where(i => !i.StartsWith('^')).ToList()
            : [];
        var attributes = element.TryGetProperty("attr", out var attr) ? attr.Clone() : default;
        return new TfjsNode(name, op, inputs, attributes);
    }

    // The signature sits at the top level or in userDefinedMetadata, depending on the converter's version.
    private static IReadOnlyList<string> SignatureOutputNames(JsonElement root)
    {
        JsonElement signature;
        if (!root.TryGetProperty("signature", out signature)
            && !(root.TryGetProperty("userDefinedMetadata", out var meta) && meta.TryGetProperty("signature", out signature)))
            return [];
        if (!signature.TryGetProperty("outputs", out var outputs) || outputs.ValueKind != JsonValueKind.Object) return [];
        return outputs.EnumerateObject()
            .Select(o => NodeOf(o.Value.TryGetProperty("name", out var n) ? n.GetString() ?? o.Name : o.Name))
            .ToList();
    }
}
